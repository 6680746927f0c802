/**
 * What a name under the cluster zone refers to, following the Kubernetes DNS specification
 * (https://github.com/kubernetes/dns/blob/master/docs/specification.md) as CoreDNS's kubernetes plugin serves it.
 */
import { cidrContains as containsAddress, parseIpv4, parseIpv4Cidr } from '../../api/ipv4.js';

export type ZoneName =
  /** The zone apex: carries the SOA. */
  | { kind: 'apex' }
  /** `svc.<zone>`, `pod.<zone>` and `<ns>.pod.<zone>`: always exist, hold no records. */
  | { kind: 'empty' }
  /** `<ns>.svc.<zone>`: exists while the namespace has a service. */
  | { kind: 'namespace'; ns: string }
  | { kind: 'service'; ns: string; svc: string }
  /** `<host>.<svc>.<ns>.svc.<zone>`: an endpoint by hostname or dashed IP. */
  | { kind: 'endpoint'; ns: string; svc: string; host: string }
  /** `_<proto>.<svc>.<ns>.svc.<zone>`: exists (empty) when the service does. */
  | { kind: 'proto'; ns: string; svc: string }
  /** `_<port>._<proto>.<svc>.<ns>.svc.<zone>` */
  | { kind: 'port'; ns: string; svc: string; port: string; proto: string }
  /** `a-b-c-d.<ns>.pod.<zone>` */
  | { kind: 'pod'; ns: string; ip: string }
  /** Under the zone but no shape the spec defines. */
  | { kind: 'nonexistent' };

/** Classifies lowercased `labels`; undefined when the name is not under `zone` (lowercased labels). */
export function parseZoneName(labels: readonly string[], zone: readonly string[]): ZoneName | undefined {
  const n = labels.length - zone.length;
  if (n < 0) return undefined;
  for (let i = 0; i < zone.length; i++) if (labels[n + i] !== zone[i]) return undefined;
  if (n === 0) return { kind: 'apex' };
  const at = (i: number): string => labels[n - 1 - i]!; // 0 = the label just left of the zone
  if (at(0) === 'svc') {
    if (n === 1) return { kind: 'empty' };
    const ns = at(1);
    if (n === 2) return { kind: 'namespace', ns };
    const svc = at(2);
    if (n === 3) return { kind: 'service', ns, svc };
    const first = at(3);
    if (n === 4) return first.startsWith('_') ? { kind: 'proto', ns, svc } : { kind: 'endpoint', ns, svc, host: first };
    if (n === 5 && first.startsWith('_') && at(4).startsWith('_')) return { kind: 'port', ns, svc, proto: first.slice(1), port: at(4).slice(1) };
    return { kind: 'nonexistent' };
  }
  if (at(0) === 'pod') {
    if (n <= 2) return { kind: 'empty' };
    const ip = n === 3 ? ipFromDashed(at(2)) : undefined;
    return ip ? { kind: 'pod', ns: at(1), ip } : { kind: 'nonexistent' };
  }
  return { kind: 'nonexistent' };
}

/** `10-244-1-5` → `10.244.1.5`; undefined unless it is a dotted-quad IPv4 address in dashed form. */
export function ipFromDashed(label: string): string | undefined {
  const parts = label.split('-');
  return parts.length === 4 && parts.every(isOctet) ? parts.join('.') : undefined;
}

export function dashedIp(ip: string): string {
  return ip.replaceAll('.', '-');
}

/** `5.1.244.10.in-addr.arpa` → `10.244.1.5`; undefined for any other name. */
export function ipFromReverse(labels: readonly string[]): string | undefined {
  if (labels.length !== 6 || labels[4] !== 'in-addr' || labels[5] !== 'arpa') return undefined;
  const octets = labels.slice(0, 4);
  return octets.every(isOctet) ? octets.reverse().join('.') : undefined;
}

export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

function isOctet(s: string): boolean {
  return /^(0|[1-9][0-9]{0,2})$/.test(s) && Number(s) <= 255;
}

/** An IPv4 CIDR as a predicate; throws on a malformed one (it comes from configuration). */
export function cidrContains(cidr: string): (ip: string) => boolean {
  const range = parseIpv4Cidr(cidr);
  if (!range) throw new Error(`invalid IPv4 CIDR ${cidr}`);
  return (ip) => {
    const address = parseIpv4(ip);
    return address !== undefined && containsAddress(range, address);
  };
}
