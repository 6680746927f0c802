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

/**
 * An address a Service may send traffic to, as Kubernetes' endpoint IP check: not unspecified, not link-local
 * (169.254.0.0/16, fe80::/10: a node's metadata services live there) nor link-local multicast (224.0.0.0/24,
 * ff02::/16). Unlike Kubernetes, loopback is accepted: the in-process ingress tests' backends use it.
 */
export function isUsableIP(value: string): string[] {
  const bad = isValidIP(value);
  if (bad.length) return bad;
  if (value === '0.0.0.0' || /^[0:]+$/.test(value)) return ['may not be unspecified (0.0.0.0)'];
  const lower = value.toLowerCase();
  if (value.startsWith('169.254.') || /^fe[89ab][0-9a-f]:/.test(lower)) return ['may not be in the link-local range (169.254.0.0/16, fe80::/10)'];
  if (value.startsWith('224.0.0.') || lower.startsWith('ff02:')) return ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/16)'];
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
