/** IP and CIDR syntax checks with Kubernetes' wording. */
import { isIP } from 'node:net';

/** 4 or 6 for a plain address (no zone, no brackets), 0 otherwise. */
export function ipFamily(value: string): 0 | 4 | 6 {
  if (value.includes('%')) return 0;
  const family = isIP(value);
  return family === 4 || family === 6 ? family : 0;
}

export function isValidIP(value: string): string[] {
  return ipFamily(value) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

/** An address a workload can actually be reached on: not 0.0.0.0 or ::. */
export function isUsableIP(value: string): string[] {
  const bad = isValidIP(value);
  if (bad.length) return bad;
  if (value === '0.0.0.0' || /^[0:]+$/.test(value)) return ['may not be unspecified (0.0.0.0)'];
  return [];
}

export function isValidCIDR(value: string): string[] {
  const msg = ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
  const slash = value.indexOf('/');
  if (slash < 0) return msg;
  const family = ipFamily(value.slice(0, slash));
  const prefix = value.slice(slash + 1);
  if (!family || !/^\d{1,3}$/.test(prefix)) return msg;
  return Number(prefix) <= (family === 4 ? 32 : 128) ? [] : msg;
}

export function cidrFamily(value: string): 0 | 4 | 6 {
  return isValidCIDR(value).length ? 0 : ipFamily(value.slice(0, value.indexOf('/')));
}
