/**
 * Request → route, as Envoy's router does it: the virtual host by the request's authority among the outbound
 * listeners' route tables (exact domain first, then the longest `*.suffix` / `prefix*` wildcard, then `*`), then
 * the first route whose path and header matchers all match, then a cluster by weight.
 */
import type { HeaderMatcher, ProxyConfig, RouteEntry, StringMatcher, VirtualHost, WeightedCluster } from './config-model.js';

export interface RequestFacts {
  /** The Host header (or :authority). */
  authority: string;
  method: string;
  /** Path without the query string. */
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** 0 = exact, then wildcards by length (longer first), `*` last; undefined = no match. */
function domainRank(domain: string, host: string): number | undefined {
  if (domain === host) return 0;
  if (domain === '*') return Number.MAX_SAFE_INTEGER;
  if (domain.startsWith('*') && host.endsWith(domain.slice(1)) && host.length > domain.length - 1) return 1000 - domain.length;
  if (domain.endsWith('*') && host.startsWith(domain.slice(0, -1)) && host.length > domain.length - 1) return 1000 - domain.length;
  return undefined;
}

/** The virtual host serving `authority` across every outbound listener's route table (listeners in name order). */
export function findVirtualHost(config: ProxyConfig, authority: string): VirtualHost | undefined {
  const host = authority.toLowerCase();
  let best: { rank: number; vh: VirtualHost } | undefined;
  const listeners = [...config.listeners.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const listener of listeners) {
    for (const vh of config.routes.get(listener.routeConfigName)?.virtualHosts ?? []) {
      for (const domain of vh.domains) {
        const rank = domainRank(domain, host);
        if (rank !== undefined && (!best || rank < best.rank)) best = { rank, vh };
      }
    }
  }
  return best?.vh;
}

export function stringMatches(m: StringMatcher, value: string): boolean {
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  if (m.suffix !== undefined) return value.endsWith(m.suffix);
  if (m.contains !== undefined) return value.includes(m.contains);
  if (m.regex) return m.regex.test(value);
  return false;
}

function headerMatches(m: HeaderMatcher, req: RequestFacts): boolean {
  const raw = m.name === ':method' ? req.method : m.name === ':path' ? req.path : m.name === ':authority' ? req.authority : req.headers[m.name];
  // Repeated headers are matched on their values joined with ',' (Envoy does the same).
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  const result = m.present !== undefined ? (value !== undefined) === m.present : value !== undefined && stringMatches(m, value);
  return result !== m.invert;
}

export function routeMatches(route: RouteEntry, req: RequestFacts): boolean {
  const p = route.path;
  const pathOk = p.kind === 'prefix' ? req.path.startsWith(p.value) : p.kind === 'exact' ? req.path === p.value : p.regex!.test(req.path);
  return pathOk && route.headers.every((h) => headerMatches(h, req));
}

export function matchRoute(vh: VirtualHost, req: RequestFacts): RouteEntry | undefined {
  return vh.routes.find((r) => routeMatches(r, req));
}

/** A cluster chosen with probability weight / total; `random` in [0, 1). */
export function pickWeighted(clusters: readonly WeightedCluster[], random: number = Math.random()): string {
  const total = clusters.reduce((s, c) => s + c.weight, 0);
  let point = random * total;
  for (const c of clusters) {
    if (point < c.weight) return c.name;
    point -= c.weight;
  }
  // Rounding at the top end: the last cluster with weight.
  return [...clusters].reverse().find((c) => c.weight > 0)!.name;
}
