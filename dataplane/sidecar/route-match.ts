/**
 * Request → route, as Envoy's router does it: the virtual host by the request's authority (short Service names
 * expanded in the pod's namespace) among the outbound listeners' route tables (exact domain first, then the
 * longest `*.suffix` / `prefix*` wildcard, then `*`), then
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

/** 0 = exact, then wildcards by length (longer first); undefined = no match. */
function domainRank(domain: string, host: string): number | undefined {
  if (domain === host) return 0;
  if (domain.startsWith('*') && host.endsWith(domain.slice(1)) && host.length > domain.length - 1) return 1000 - domain.length;
  if (domain.endsWith('*') && host.startsWith(domain.slice(0, -1)) && host.length > domain.length - 1) return 1000 - domain.length;
  return undefined;
}

/** Where the sidecar's pod lives: short Service names resolve against its namespace, as its resolv.conf would. */
export interface LocalNames { namespace: string; zone: string }

interface Authority { host: string; port: string }

/** `host` and `port` of an authority; no port means 80 (plain HTTP). IPv6 stays in brackets. */
function splitAuthority(authority: string): Authority {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(authority.toLowerCase());
  return m ? { host: m[1]!, port: m[2] ?? '80' } : { host: authority.toLowerCase(), port: '80' };
}

/**
 * The names to try for an authority, in order: like a pod's resolver (search `<ns>.svc.<zone> svc.<zone> <zone>`,
 * ndots 5) a host with fewer than 5 dots is tried with each search suffix first, so `web` in namespace ns2 is
 * `web.ns2.svc.<zone>`, never another namespace's `web`; then the host as given.
 */
export function authorityCandidates(authority: string, local: LocalNames | undefined): Authority[] {
  const given = splitAuthority(authority);
  if (!local || given.host.startsWith('[') || given.host.split('.').length > 5) return [given];
  const search = [`${local.namespace}.svc.${local.zone}`, `svc.${local.zone}`, local.zone];
  return [...search.map((suffix) => ({ host: `${given.host}.${suffix}`, port: given.port })), given];
}

/** A domain with a port matches `host:port`; one without matches `host` on port 80 only (`*` matches all). */
function rankFor(domain: string, { host, port }: Authority): number | undefined {
  if (domain === '*') return Number.MAX_SAFE_INTEGER;
  if (/:\d+$/.test(domain)) return domainRank(domain, `${host}:${port}`);
  return port === '80' ? domainRank(domain, host) : undefined;
}

/** The best virtual host for one name across the route tables (listeners in name order); `catchAll` allows `*`. */
function bestVirtualHost(config: ProxyConfig, authority: Authority, catchAll: boolean): VirtualHost | undefined {
  let best: { rank: number; vh: VirtualHost } | undefined;
  const listeners = [...config.listeners.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const listener of listeners) {
    for (const vh of config.routes.get(listener.routeConfigName)?.virtualHosts ?? []) {
      for (const domain of vh.domains) {
        if (domain === '*' && !catchAll) continue;
        const rank = rankFor(domain, authority);
        if (rank !== undefined && (!best || rank < best.rank)) best = { rank, vh };
      }
    }
  }
  return best?.vh;
}

/**
 * The virtual host serving `authority` across every outbound listener's route table: the first search candidate
 * (`authorityCandidates`) a domain names, else `*`. Without `local`, the authority is matched as given.
 */
export function findVirtualHost(config: ProxyConfig, authority: string, local?: LocalNames): VirtualHost | undefined {
  const candidates = authorityCandidates(authority, local);
  for (const candidate of candidates) {
    const vh = bestVirtualHost(config, candidate, false);
    if (vh) return vh;
  }
  return bestVirtualHost(config, candidates[candidates.length - 1]!, true);
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
