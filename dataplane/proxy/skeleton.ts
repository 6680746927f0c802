/**
 * The fixed part of `table ip cairn-proxy`. Packet paths:
 *  - prerouting (pods, outside clients) and output (host processes) → `services`: VIP . proto . port, or a
 *    node address + nodePort, looks up a verdict in `service-ips` / `service-nodeports`.
 *  - Most services need no chain of their own: the verdict is `goto pick-<n>` (n = its ready endpoints),
 *    a chain shared by every service with n endpoints that DNATs through one big map per protocol keyed
 *    VIP . port . (numgen random mod n). A sync then only adds and deletes map elements, and
 *    the table holds a few hundred chains whatever the number of services (nft reads every chain and set
 *    of the table on each invocation, so per-service chains and anonymous sets make every sync slower).
 *  - Services with ClientIP affinity or more than MAX_BUCKET endpoints get their own chain (see compile.ts).
 *  - Before NAT, filter chains at the same hooks reject new connections to services without a ready
 *    endpoint, so clients fail at once instead of timing out.
 *  - postrouting masquerades traffic from outside the pod CIDR and to NodePorts (marked on the way in) and hairpin traffic
 *    (DNATed back to its own source, found in the `hairpin` set of endpoint address pairs). Pod-to-service
 *    traffic keeps the pod's IP.
 */
import { FAMILY, TABLE, type ProxyNodeInfo } from './types.js';

export const MAPS = {
  serviceIPs: 'service-ips',
  serviceNodePorts: 'service-nodeports',
  noEndpointServices: 'no-endpoint-services',
  noEndpointNodePorts: 'no-endpoint-nodeports',
  hairpin: 'hairpin',
} as const;

export const MARK_MASQ_CHAIN = 'mark-for-masquerade';
export const REJECT_CHAIN = 'reject-service';
/** The packet-mark bit that asks postrouting to masquerade (kube-proxy's conventional bit). */
export const MASQ_MARK = '0x4000';
/** Services with up to this many ready endpoints share the `pick-<n>` chains. */
export const MAX_BUCKET = 128;

export const pickChain = (n: number): string => `pick-${n}`;
export const nodePortPickChain = (n: number): string => `nodeport-pick-${n}`;

export const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;

/**
 * Endpoint slots, one map per protocol: VIP . port . slot (or nodePort . slot) → endpoint address . port.
 * Per protocol because nft 1.0.6 cannot read back a `typeof` map whose data holds `th dport`.
 */
export const serviceEndpointsMap = (proto: string): string => `service-endpoints-${proto}`;
export const nodePortEndpointsMap = (proto: string): string => `nodeport-endpoints-${proto}`;

/** The table's named maps and sets: name → `nft add` kind and declaration. */
const COLLECTIONS: Record<string, { kind: 'map' | 'set'; decl: string }> = {
  [MAPS.serviceIPs]: { kind: 'map', decl: 'type ipv4_addr . inet_proto . inet_service : verdict' },
  [MAPS.serviceNodePorts]: { kind: 'map', decl: 'type inet_proto . inet_service : verdict' },
  ...Object.fromEntries(PROTOCOLS.flatMap((p) => [
    [serviceEndpointsMap(p), { kind: 'map', decl: `typeof ip daddr . ${p} dport . numgen random mod 1 : ip daddr . ${p} dport` }],
    [nodePortEndpointsMap(p), { kind: 'map', decl: `typeof ${p} dport . numgen random mod 1 : ip daddr . ${p} dport` }],
  ])),
  [MAPS.noEndpointServices]: { kind: 'map', decl: 'type ipv4_addr . inet_proto . inet_service : verdict' },
  [MAPS.noEndpointNodePorts]: { kind: 'map', decl: 'type inet_proto . inet_service : verdict' },
  [MAPS.hairpin]: { kind: 'set', decl: 'type ipv4_addr . ipv4_addr' },
};

/** Base chains with a hook: NAT at dstnat/srcnat priority, rejects just before DNAT. */
const HOOKS: Record<string, string> = {
  'nat-prerouting': 'type nat hook prerouting priority -100 ; policy accept ;',
  'nat-output': 'type nat hook output priority -100 ; policy accept ;',
  'nat-postrouting': 'type nat hook postrouting priority 100 ; policy accept ;',
  'filter-prerouting': 'type filter hook prerouting priority -110 ; policy accept ;',
  'filter-output': 'type filter hook output priority -110 ; policy accept ;',
};

export const COLLECTION_NAMES: ReadonlySet<string> = new Set(Object.keys(COLLECTIONS));

/** Matches traffic addressed to a NodePort on this node. */
function nodePortMatch(node: ProxyNodeInfo): string {
  return node.nodeIPs?.length ? `ip daddr { ${node.nodeIPs.join(', ')} }` : 'fib daddr type local ip daddr != 127.0.0.0/8';
}

/** Every skeleton chain and its rules for this node. */
export function skeletonRules(node: ProxyNodeInfo): Map<string, string[]> {
  const nodePorts = nodePortMatch(node);
  const masq = `ip saddr != ${node.clusterCIDR} jump ${MARK_MASQ_CHAIN}`;
  const chains = new Map<string, string[]>([
    ['nat-prerouting', ['jump services']],
    ['nat-output', ['jump services']],
    ['nat-postrouting', ['jump masquerading']],
    ['filter-prerouting', ['ct state new jump reject-unserved']],
    ['filter-output', ['ct state new jump reject-unserved']],
    ['services', [
      `ip daddr . meta l4proto . th dport vmap @${MAPS.serviceIPs}`,
      `${nodePorts} meta l4proto . th dport vmap @${MAPS.serviceNodePorts}`,
    ]],
    ['reject-unserved', [
      `ip daddr . meta l4proto . th dport vmap @${MAPS.noEndpointServices}`,
      `${nodePorts} meta l4proto . th dport vmap @${MAPS.noEndpointNodePorts}`,
    ]],
    // A TCP reset reads as "connection refused"; other protocols get an ICMP error.
    [REJECT_CHAIN, ['meta l4proto tcp reject with tcp reset', 'reject with icmp type host-unreachable']],
    [MARK_MASQ_CHAIN, [`meta mark set meta mark or ${MASQ_MARK}`]],
    ['masquerading', [
      `ct status dnat ip saddr . ip daddr @${MAPS.hairpin} jump ${MARK_MASQ_CHAIN}`,
      `meta mark and ${MASQ_MARK} == 0 return`,
      `meta mark set meta mark xor ${MASQ_MARK}`,
      'masquerade fully-random',
    ]],
  ]);
  for (let n = 1; n <= MAX_BUCKET; n++) {
    const slot = `numgen random mod ${n}`;
    chains.set(pickChain(n), [masq, ...PROTOCOLS.map((p) => `meta l4proto ${p} dnat ip to ip daddr . ${p} dport . ${slot} map @${serviceEndpointsMap(p)}`)]);
    // NodePort traffic is always masqueraded (as kube-proxy does): its endpoint may be on another node, whose
    // reply must come back through this one to be un-NATed, whoever the client is.
    chains.set(nodePortPickChain(n), [`jump ${MARK_MASQ_CHAIN}`, ...PROTOCOLS.map((p) => `meta l4proto ${p} dnat ip to ${p} dport . ${slot} map @${nodePortEndpointsMap(p)}`)]);
  }
  return chains;
}

/** Idempotent declarations of the table, its maps and sets, and the skeleton chains (no rules). */
export function skeletonDeclarations(node: ProxyNodeInfo): string[] {
  const lines = [`add table ${FAMILY} ${TABLE}`];
  for (const [name, { kind, decl }] of Object.entries(COLLECTIONS)) lines.push(`add ${kind} ${FAMILY} ${TABLE} ${name} { ${decl} ; }`);
  for (const name of skeletonRules(node).keys()) lines.push(`add chain ${FAMILY} ${TABLE} ${name}${HOOKS[name] ? ` { ${HOOKS[name]} }` : ''}`);
  return lines;
}

/** Statements emptying every map and set, for a full sync that refills them. */
export function flushCollections(): string[] {
  return Object.entries(COLLECTIONS).map(([name, { kind }]) => `flush ${kind} ${FAMILY} ${TABLE} ${name}`);
}
