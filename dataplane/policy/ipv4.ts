/**
 * IPv4 address ranges as inclusive [first, last] numbers: what an ipBlock (cidr minus excepts) and a set of pod
 * IPs become before they are written as one nftables interval set, which refuses overlapping elements.
 */
import { isIPv4 } from 'node:net';

export type Range = readonly [first: number, last: number];

export function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function numberToIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The range a CIDR covers (host bits ignored), or undefined for anything but an IPv4 CIDR. */
export function cidrRange(cidr: string): Range | undefined {
  const [ip, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!ip || !isIPv4(ip) || !/^\d{1,2}$/.test(bitsText ?? '') || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const first = Math.floor(ipv4ToNumber(ip) / size) * size;
  return [first, first + size - 1];
}

/** Sorted, with overlapping and adjacent ranges joined. */
export function mergeRanges(ranges: Iterable<Range>): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [first, last] of sorted) {
    const prev = out[out.length - 1];
    if (prev && first <= prev[1] + 1) prev[1] = Math.max(prev[1], last);
    else out.push([first, last]);
  }
  return out;
}

/** `from` with every range in `holes` cut out. */
export function subtractRanges(from: Range, holes: Iterable<Range>): Range[] {
  const out: Range[] = [];
  let next = from[0];
  for (const [first, last] of mergeRanges(holes)) {
    if (last < next || first > from[1]) continue;
    if (first > next) out.push([next, first - 1]);
    next = Math.max(next, last + 1);
  }
  if (next <= from[1]) out.push([next, from[1]]);
  return out;
}

export function rangeContains(ranges: readonly Range[], ip: string): boolean {
  const n = ipv4ToNumber(ip);
  return ranges.some(([first, last]) => n >= first && n <= last);
}

/** nftables element syntax: `10.0.0.1` or `10.0.0.0-10.0.255.255`. */
export function formatRange([first, last]: Range): string {
  return first === last ? numberToIPv4(first) : `${numberToIPv4(first)}-${numberToIPv4(last)}`;
}
