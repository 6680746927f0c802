/**
 * The pure compiler: a Service and its Endpoints → the chains, sets and map elements that implement it.
 * Per service port (id `<ns>/<name>/<proto>/<port>`):
 *  - no ready endpoint: VIP . proto . port (and proto . nodePort) → `goto reject-service`;
 *  - up to MAX_BUCKET endpoints, no affinity: map elements only. The VIP maps to `goto pick-<n>` and
 *    slots 0..n-1 of `service-endpoints-<proto>` hold the endpoints (see skeleton.ts);
 *  - otherwise a chain `svc-<id>` (mark non-pod-CIDR sources for masquerade; with ClientIP affinity follow
 *    a remembered choice; else `numgen random mod N` over a verdict map of endpoint chains) and one chain
 *    `ep-<id>__<ip>/<port>` per endpoint (remember the client, DNAT).
 * Every endpoint address also claims a `hairpin` pair, so a pod reaching itself is masqueraded.
 * Affinity uses one dynamic set per endpoint (`aff-<timeout>-...`; a new timeout is a new set): nft cannot
 * look up a concatenation with constant parts and a dynamic map cannot hold verdicts, so a per-endpoint
 * set of client addresses is the form that keys "client → endpoint"; a removed endpoint takes its
 * clients' affinity with it.
 */
import { DEFAULT_CLIENT_IP_TIMEOUT_SECONDS } from '../../api/kinds/service.js';
import { ipFamily } from '../../api/kinds/net.js';
import type { Endpoints, Service, ServicePort } from '../../api/types/core.js';
import { MAPS, MARK_MASQ_CHAIN, MAX_BUCKET, REJECT_CHAIN, nodePortEndpointsMap, nodePortPickChain, pickChain, serviceEndpointsMap } from './skeleton.js';
import { emptyFragment, type ProxyNodeInfo, type ServiceFragment } from './types.js';

interface Target { ip: string; port: number }

/** Whether the proxy programs anything for this service: headless and ExternalName services have no VIP. */
export function isProxied(svc: Service): boolean {
  return svc.spec.type !== 'ExternalName' && serviceIPs(svc).length > 0;
}

function serviceIPs(svc: Service): string[] {
  const ips = svc.spec.clusterIPs?.length ? svc.spec.clusterIPs : [svc.spec.clusterIP ?? ''];
  // The table is `ip`: an IPv6 family's VIP belongs to another table.
  return ips.filter((ip) => ip && ip !== 'None' && ipFamily(ip) === 4);
}

function protocolOf(p: { protocol?: string }): string {
  return (p.protocol ?? 'TCP').toLowerCase();
}

/** Ready endpoints of one service port: Endpoints ports are matched to service ports by name and protocol. */
export function readyTargets(port: ServicePort, endpoints: Endpoints | undefined): Target[] {
  const seen = new Map<string, Target>();
  for (const subset of endpoints?.subsets ?? []) {
    const ep = subset.ports?.find((p) => (p.name ?? '') === (port.name ?? '') && protocolOf(p) === protocolOf(port));
    if (!ep) continue;
    for (const a of subset.addresses ?? []) {
      if (ipFamily(a.ip) === 4) seen.set(`${a.ip}/${ep.port}`, { ip: a.ip, port: ep.port });
    }
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
}

/** A UDP flow a removed endpoint may still hold in conntrack: to a VIP or (without `vip`) a node port. */
export interface UdpFlow { vip?: string; port: number; endpoint: string }

export const udpFlowKey = (f: UdpFlow): string => `${f.vip ?? ''}|${f.port}|${f.endpoint}`;

/**
 * The UDP flows the service's NAT can create, keyed by udpFlowKey. Connection tracking keeps a UDP "connection"
 * to an endpoint after it leaves the rules (a client reusing its source port keeps reaching it), so the syncer
 * deletes the flows of removed endpoints, as kube-proxy does.
 */
export function udpFlows(svc: Service | undefined, endpoints: Endpoints | undefined): Map<string, UdpFlow> {
  const flows = new Map<string, UdpFlow>();
  if (!svc || !isProxied(svc)) return flows;
  for (const port of svc.spec.ports ?? []) {
    if (protocolOf(port) !== 'udp') continue;
    for (const t of readyTargets(port, endpoints)) {
      const found: UdpFlow[] = serviceIPs(svc).map((vip) => ({ vip, port: port.port, endpoint: t.ip }));
      if (port.nodePort) found.push({ port: port.nodePort, endpoint: t.ip });
      for (const f of found) flows.set(udpFlowKey(f), f);
    }
  }
  return flows;
}

function affinityTimeout(svc: Service): number | undefined {
  if (svc.spec.sessionAffinity !== 'ClientIP') return undefined;
  const cfg = svc.spec.sessionAffinityConfig as { clientIP?: { timeoutSeconds?: number } } | undefined;
  return cfg?.clientIP?.timeoutSeconds ?? DEFAULT_CLIENT_IP_TIMEOUT_SECONDS;
}

interface PortContext { id: string; proto: string; port: number; vips: string[]; nodePort?: number; targets: Target[] }

/** Elements only: the VIP and nodePort select the shared `pick-<n>` chains, the slots hold the endpoints. */
function compileBucketed(c: PortContext, out: ServiceFragment): void {
  const n = c.targets.length;
  for (const vip of c.vips) {
    out.elements.push({ map: MAPS.serviceIPs, key: `${vip} . ${c.proto} . ${c.port}`, value: `goto ${pickChain(n)}` });
    c.targets.forEach((t, i) => out.elements.push({ map: serviceEndpointsMap(c.proto), key: `${vip} . ${c.port} . ${i}`, value: `${t.ip} . ${t.port}` }));
  }
  if (c.nodePort) {
    out.elements.push({ map: MAPS.serviceNodePorts, key: `${c.proto} . ${c.nodePort}`, value: `goto ${nodePortPickChain(n)}` });
    c.targets.forEach((t, i) => out.elements.push({ map: nodePortEndpointsMap(c.proto), key: `${c.nodePort} . ${i}`, value: `${t.ip} . ${t.port}` }));
  }
}

/** A service chain and a chain per endpoint: for ClientIP affinity, and for more endpoints than the buckets hold. */
function compileChained(c: PortContext, timeout: number | undefined, node: ProxyNodeInfo, out: ServiceFragment): void {
  const svcChain = `svc-${c.id}`;
  const svcRules = [`ip saddr != ${node.clusterCIDR} jump ${MARK_MASQ_CHAIN}`];
  const epChains: string[] = [];
  for (const t of c.targets) {
    const epChain = `ep-${c.id}__${t.ip}/${t.port}`;
    epChains.push(epChain);
    const epRules: string[] = [];
    if (timeout !== undefined) {
      const set = `aff-${timeout}-${c.id}__${t.ip}/${t.port}`;
      out.sets.set(set, `type ipv4_addr ; flags dynamic,timeout ; timeout ${timeout}s ;`);
      svcRules.push(`ip saddr @${set} goto ${epChain}`);
      epRules.push(`update @${set} { ip saddr }`);
    }
    epRules.push(`meta l4proto ${c.proto} dnat to ${t.ip}:${t.port}`);
    out.chains.set(epChain, epRules);
  }
  svcRules.push(epChains.length === 1
    ? `goto ${epChains[0]}`
    : `numgen random mod ${epChains.length} vmap { ${epChains.map((ch, i) => `${i} : goto ${ch}`).join(', ')} }`);
  out.chains.set(svcChain, svcRules);
  for (const vip of c.vips) out.elements.push({ map: MAPS.serviceIPs, key: `${vip} . ${c.proto} . ${c.port}`, value: `goto ${svcChain}` });
  if (c.nodePort) {
    const nodePortChain = `${svcChain}-nodeport`;
    out.chains.set(nodePortChain, [`jump ${MARK_MASQ_CHAIN}`, `goto ${svcChain}`]);
    out.elements.push({ map: MAPS.serviceNodePorts, key: `${c.proto} . ${c.nodePort}`, value: `goto ${nodePortChain}` });
  }
}

/** The fragment for one Service (empty when it is not proxied). Deterministic: same input, same text. */
export function compileService(svc: Service, endpoints: Endpoints | undefined, node: ProxyNodeInfo): ServiceFragment {
  const out = emptyFragment();
  if (!isProxied(svc)) return out;
  const vips = serviceIPs(svc);
  const timeout = affinityTimeout(svc);
  const hairpins = new Set<string>();
  for (const port of svc.spec.ports ?? []) {
    const proto = protocolOf(port);
    const c: PortContext = {
      id: `${svc.metadata.namespace}/${svc.metadata.name}/${proto}/${port.name || port.port}`,
      proto, port: port.port, vips, targets: readyTargets(port, endpoints),
      nodePort: svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer' ? port.nodePort : undefined,
    };
    if (c.targets.length === 0) {
      for (const vip of vips) out.elements.push({ map: MAPS.noEndpointServices, key: `${vip} . ${proto} . ${port.port}`, value: `goto ${REJECT_CHAIN}` });
      if (c.nodePort) out.elements.push({ map: MAPS.noEndpointNodePorts, key: `${proto} . ${c.nodePort}`, value: `goto ${REJECT_CHAIN}` });
      continue;
    }
    if (timeout === undefined && c.targets.length <= MAX_BUCKET) compileBucketed(c, out);
    else compileChained(c, timeout, node, out);
    for (const t of c.targets) hairpins.add(t.ip);
  }
  for (const ip of hairpins) out.elements.push({ map: MAPS.hairpin, key: `${ip} . ${ip}` });
  return out;
}
