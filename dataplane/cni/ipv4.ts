/** IPv4 addresses as unsigned 32-bit numbers, so range arithmetic is plain integer arithmetic. */

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses dotted-quad IPv4 (no leading zeros); undefined when malformed. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export interface Ipv4Cidr {
  address: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`; undefined when malformed. Host bits are kept (see {@link networkOf}). */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const address = parseIpv4(match[1]!);
  const prefix = Number(match[2]);
  if (address === undefined || prefix > 32) return undefined;
  return { address, prefix };
}

export function networkOf(cidr: Ipv4Cidr): number {
  const size = 2 ** (32 - cidr.prefix);
  return Math.floor(cidr.address / size) * size;
}

export function broadcastOf(cidr: Ipv4Cidr): number {
  return networkOf(cidr) + 2 ** (32 - cidr.prefix) - 1;
}

export function contains(cidr: Ipv4Cidr, address: number): boolean {
  return address >= networkOf(cidr) && address <= broadcastOf(cidr);
}
