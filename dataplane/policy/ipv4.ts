/**
 * IPv4 address ranges as inclusive [first, last] numbers: what an ipBlock (cidr minus excepts) and a set of pod
 * IPs become before they are written as one nftables interval set, which refuses overlapping elements.
 */
import { formatIpv4, parseIpv4, parseIpv4Cidr } from '../../api/ipv4.js';

export type Range = readonly [first: number, last: number];

/** The range a CIDR covers (host bits ignored), or undefined for anything but an IPv4 CIDR. */
export function cidrRange(cidr: string): Range | undefined {
  const block = parseIpv4Cidr(cidr);
  return block && [block.first, block.last];
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

/** False for anything but an IPv4 address. */
export function rangeContains(ranges: readonly Range[], ip: string): boolean {
  const n = parseIpv4(ip);
  return n !== undefined && ranges.some(([first, last]) => n >= first && n <= last);
}

/** nftables element syntax: `10.0.0.1` or `10.0.0.0-10.0.255.255`. */
export function formatRange([first, last]: Range): string {
  return first === last ? formatIpv4(first) : `${formatIpv4(first)}-${formatIpv4(last)}`;
}
