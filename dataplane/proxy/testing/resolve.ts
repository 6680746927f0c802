/**
 * Reads compiled or programmed state the way the packet path does, for tests: where does a connection to
 * VIP:port (or a nodePort) go? Answers the DNAT targets as `ip:port`, sorted, or 'reject'.
 */
import { MAPS, nodePortEndpointsMap, serviceEndpointsMap } from '../skeleton.js';
import type { ServiceFragment } from '../types.js';

export interface StateView {
  chains: Map<string, string[]>;
  element(map: string, key: string): string | undefined;
}

export function fragmentView(f: ServiceFragment): StateView {
  return { chains: f.chains, element: (map, key) => f.elements.find((e) => e.map === map && e.key === key)?.value };
}

function follow(view: StateView, verdict: string, slotMap: string, slotKey: string): string[] {
  const chain = verdict.replace(/^goto /, '');
  const pick = /^(?:nodeport-)?pick-(\d+)$/.exec(chain);
  if (pick) {
    return Array.from({ length: Number(pick[1]) }, (_, i) => view.element(slotMap, `${slotKey} . ${i}`)?.replace(' . ', ':') ?? 'missing').sort();
  }
  const rules = view.chains.get(chain) ?? [];
  const last = rules.at(-1) ?? '';
  const epChains = [...last.matchAll(/goto (\S+?)(?=[,} ]|$)/g)].map((m) => m[1]!);
  return epChains.map((ep) => /dnat to (\S+)/.exec(view.chains.get(ep)?.at(-1) ?? '')?.[1] ?? 'missing').sort();
}

export function resolveVIP(view: StateView, vip: string, proto: string, port: number): string[] | 'reject' {
  const key = `${vip} . ${proto} . ${port}`;
  const verdict = view.element(MAPS.serviceIPs, key);
  if (verdict) return follow(view, verdict, serviceEndpointsMap(proto), `${vip} . ${port}`);
  return view.element(MAPS.noEndpointServices, key) ? 'reject' : [];
}

export function resolveNodePort(view: StateView, proto: string, nodePort: number): string[] | 'reject' {
  const key = `${proto} . ${nodePort}`;
  const verdict = view.element(MAPS.serviceNodePorts, key);
  if (verdict) return follow(view, verdict, nodePortEndpointsMap(proto), String(nodePort));
  return view.element(MAPS.noEndpointNodePorts, key) ? 'reject' : [];
}
