/**
 * IPv4 addresses as unsigned 32-bit numbers, so range arithmetic is plain integer arithmetic.
 * Parsing is strict: exactly four decimal octets 0-255 without leading zeros (what node:net's isIPv4 accepts),
 * so every address has one spelling and `formatIpv4(parseIpv4(text)!) === text`.
 */

const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** A prefix may carry a leading zero (`/08`), which isValidCIDR (kinds/net.ts) accepts too. */
const CIDR = /^([^/]+)\/(\d{1,2})$/;

/** The address of a dotted quad; undefined when malformed. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** The dotted quad of an address in [0, 2^32). */
export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

export interface Ipv4Cidr {
  /** The address as written, host bits included: a caller that requires a network address compares it with `first`. */
  readonly address: number;
  readonly prefix: number;
  /** The network address: `address` with the host bits cleared. */
  readonly first: number;
  /** The last address of the block, inclusive (the broadcast address, for prefixes up to /30). */
  readonly last: number;
}

/** Parses `a.b.c.d/n` (n from 0 to 32); undefined when malformed. Host bits are not an error: see {@link Ipv4Cidr.address}. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR.exec(text);
  if (!match) return undefined;
  const address = parseIpv4(match[1]);
  const prefix = Number(match[2]);
  if (address === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const first = Math.floor(address / size) * size;
  return { address, prefix, first, last: first + size - 1 };
}

export function cidrContains(cidr: Ipv4Cidr, address: number): boolean {
  return address >= cidr.first && address <= cidr.last;
}
