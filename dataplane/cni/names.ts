/** Name rules the spec and Linux impose on identifiers the plugin receives, and the names it makes. */
import { createHash } from 'node:crypto';

/** Why `name` cannot be a Linux interface name, or undefined when it can (≤ 15 bytes, no `/`, `:` or space). */
export function interfaceNameProblem(name: string): string | undefined {
  if (!name) return 'is empty';
  if (name === '.' || name === '..') return `"${name}" is reserved`;
  if (Buffer.byteLength(name) > 15) return `"${name}" is longer than 15 characters`;
  if (/[/:\s]/.test(name)) return `"${name}" contains '/', ':' or whitespace`;
  return undefined;
}

/** Container IDs and network names: an alphanumeric first character, then alphanumerics, `_`, `.` or `-`. */
export const IDENTIFIER = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Host-side veth name: stable per attachment (so DEL and GC find it without state), at most 15 characters. */
export function hostVethName(containerId: string, ifName: string): string {
  return `veth${createHash('sha256').update(`${containerId}/${ifName}`).digest('hex').slice(0, 11)}`;
}

/** The bridge's MAC: locally administered, unicast, derived from the gateway address so it never changes. */
export function bridgeMac(gateway: number): string {
  const octets = [0x0a, 0x58, ...[24, 16, 8, 0].map((shift) => Math.floor(gateway / 2 ** shift) % 256)];
  return octets.map((o) => o.toString(16).padStart(2, '0')).join(':');
}
