/**
 * The routing table of the ingress proxy: every served Ingress merged into host groups, each an ordered list of
 * path rules. Pure and immutable once built, so a request sees one consistent version while updates swap tables.
 *
 * Matching follows the Ingress API: the most specific host group decides (exact host, then a `*.` wildcard covering
 * exactly one leading label, then rules without a host); within it the longest matching path wins, Exact before
 * Prefix on a tie. Prefix (and ImplementationSpecific, treated as Prefix) matches by whole path elements, so `/foo`
 * matches `/foo`, `/foo/` and `/foo/bar` but not `/foobar`. Where the group has no matching path, the default
 * backend of the oldest Ingress contributing to it answers, else the oldest cluster-wide default backend.
 */
import type { Ingress, IngressBackend, ServiceBackendPort } from '../../api/types/networking.js';

/** Where a matched request goes: a Service port in the Ingress's namespace (none for unsupported resource backends). */
export interface Route {
  namespace: string;
  /** Name of the Ingress that owns the rule, for metrics and logs. */
  ingress: string;
  service?: { name: string; port: ServiceBackendPort };
}

interface PathRule {
  exact: boolean;
  /** Exact: the path as written. Prefix: its elements. */
  path: string;
  elements: string[];
  /** Characters of the path without a trailing slash: longer means more specific. */
  weight: number;
  route: Route;
}

interface HostGroup {
  rules: PathRule[];
  fallback?: Route;
}

export interface RouteTable {
  /** The route for a request's Host header (port ignored) and path (query ignored), or undefined (404). */
  match(host: string, path: string): Route | undefined;
}

function pathElements(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function routeFor(ing: Ingress, backend: IngressBackend): Route {
  const route: Route = { namespace: ing.metadata.namespace ?? 'default', ingress: ing.metadata.name ?? '' };
  if (backend.service) route.service = { name: backend.service.name, port: backend.service.port ?? {} };
  return route;
}

/** Oldest first, then by namespace/name: on conflicting rules the Ingress that claimed them first keeps them. */
export function olderFirst(a: Ingress, b: Ingress): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.metadata.namespace}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Longest first; Exact before Prefix on equal length; otherwise insertion (age) order, as sort is stable. */
function byPrecedence(a: PathRule, b: PathRule): number {
  if (a.weight !== b.weight) return b.weight - a.weight;
  return Number(b.exact) - Number(a.exact);
}

function pathMatches(rule: PathRule, path: string, elements: string[]): boolean {
  if (rule.exact) return rule.path === path;
  return rule.elements.every((e, i) => elements[i] === e);
}

/** A Host header as a rule host: lower case, without the port (IPv6 literals keep their brackets) or a trailing dot. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) h = h.slice(0, h.indexOf(']') + 1);
  else if (h.includes(':')) h = h.slice(0, h.indexOf(':'));
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** Builds the table from the Ingresses this proxy serves (any order). */
export function buildRouteTable(ingresses: Ingress[]): RouteTable {
  const groups = new Map<string, HostGroup>();
  let defaultRoute: Route | undefined;
  const group = (key: string): HostGroup => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rules: [] }));
    return g;
  };
  for (const ing of [...ingresses].sort(olderFirst)) {
    const fallback = ing.spec?.defaultBackend ? routeFor(ing, ing.spec.defaultBackend) : undefined;
    defaultRoute ??= fallback;
    for (const rule of ing.spec?.rules ?? []) {
      const g = group(rule.host ?? '');
      g.fallback ??= fallback;
      for (const p of rule.http?.paths ?? []) {
        const path = p.path || '/';
        const exact = p.pathType === 'Exact';
        const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
        g.rules.push({ exact, path, elements: pathElements(path), weight: exact ? path.length : trimmed.length, route: routeFor(ing, p.backend) });
      }
    }
  }
  for (const g of groups.values()) g.rules.sort(byPrecedence);
  return {
    match(rawHost: string, rawPath: string): Route | undefined {
      const host = normalizeHost(rawHost);
      const dot = host.indexOf('.');
      const g = groups.get(host) ?? (dot > 0 ? groups.get(`*${host.slice(dot)}`) : undefined) ?? groups.get('');
      const path = rawPath.split('?')[0] || '/';
      const elements = pathElements(path);
      return g?.rules.find((r) => pathMatches(r, path, elements))?.route ?? g?.fallback ?? defaultRoute;
    },
  };
}
