/**
 * The sidecar's applied configuration: outbound listeners → route tables → clusters → endpoints, as validated plain
 * values (resource-decode.ts builds them from xDS resources). A `ProxyConfig` is immutable: each applied xDS update
 * makes a new one (`withUpdate`) and the proxy swaps its reference, so a request keeps the config it started with
 * (its retries included) while later requests see the new one.
 */
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, RESOURCE_TYPES, ROUTE_TYPE, type ResourceType } from '../../control/xds-server/protos.js';

export interface StringMatcher {
  exact?: string;
  prefix?: string;
  suffix?: string;
  contains?: string;
  /** Anchored: the whole value must match (RE2 `FullMatch`). */
  regex?: RegExp;
}

export interface HeaderMatcher extends StringMatcher {
  /** Lower-cased; `:method` matches the request method. */
  name: string;
  /** Only presence is tested (the value matchers are unset). */
  present?: boolean;
  invert: boolean;
}

export interface PathMatcher {
  kind: 'prefix' | 'exact' | 'regex';
  value: string;
  regex?: RegExp;
}

export interface HeaderEdit { key: string; value: string; append: boolean }

export interface RetryPolicy {
  /** Envoy `retry_on` conditions this proxy knows (5xx, gateway-error, reset, connect-failure, retriable-4xx). */
  on: ReadonlySet<string>;
  numRetries: number;
  perTryTimeoutMs?: number;
}

export interface FaultPolicy {
  abort?: { httpStatus: number; percent: number };
  delay?: { ms: number; percent: number };
}

export interface WeightedCluster { name: string; weight: number }

export interface RouteEntry {
  name: string;
  path: PathMatcher;
  headers: HeaderMatcher[];
  clusters: WeightedCluster[];
  timeoutMs?: number;
  retry?: RetryPolicy;
  fault?: FaultPolicy;
  /** Request header names whose value feeds a ring-hash cluster's hash, first present wins. */
  hashHeaders: string[];
  requestHeadersToAdd: HeaderEdit[];
  requestHeadersToRemove: string[];
  responseHeadersToAdd: HeaderEdit[];
  responseHeadersToRemove: string[];
  mirror?: { cluster: string; percent: number };
}

export interface VirtualHost { name: string; domains: string[]; routes: RouteEntry[] }
export interface RouteTable { name: string; virtualHosts: VirtualHost[] }

/** An outbound (api) listener: a name and the route table it takes from RDS. */
export interface OutboundListener { name: string; routeConfigName: string }

export type LbPolicy = 'round_robin' | 'least_request' | 'ring_hash' | 'random';

export interface CircuitThresholds {
  maxConnections?: number;
  maxPendingRequests?: number;
  maxRequests?: number;
  maxRetries?: number;
  /** Percent of the cluster's active requests that may be retries. */
  retryBudgetPercent?: number;
}

export interface OutlierPolicy {
  consecutive5xx: number;
  intervalMs: number;
  baseEjectionMs: number;
  /** Cap of one ejection's length (Envoy's max_ejection_time, default 300 s). */
  maxEjectionMs: number;
  maxEjectionPercent: number;
}

export interface ClusterEntry {
  name: string;
  /** The ClusterLoadAssignment to subscribe to (EDS); unset for a STATIC cluster whose endpoints are inline. */
  edsName?: string;
  lb: LbPolicy;
  connectTimeoutMs: number;
  thresholds: CircuitThresholds;
  outlier?: OutlierPolicy;
}

export interface Endpoint { host: string; port: number }

export interface ProxyConfig {
  listeners: ReadonlyMap<string, OutboundListener>;
  routes: ReadonlyMap<string, RouteTable>;
  clusters: ReadonlyMap<string, ClusterEntry>;
  /** By ClusterLoadAssignment name (a STATIC cluster's own name for its inline endpoints). */
  endpoints: ReadonlyMap<string, readonly Endpoint[]>;
  /** The last applied `version_info` per type URL. */
  versions: Readonly<Record<ResourceType, string>>;
}

export const EMPTY_CONFIG: ProxyConfig = {
  listeners: new Map(), routes: new Map(), clusters: new Map(), endpoints: new Map(),
  versions: Object.fromEntries(RESOURCE_TYPES.map((t) => [t, ''])) as Record<ResourceType, string>,
};

/** A validated xDS response, ready to apply. */
export type DecodedUpdate =
  | { type: typeof LISTENER_TYPE; items: OutboundListener[] }
  | { type: typeof ROUTE_TYPE; items: RouteTable[] }
  | { type: typeof CLUSTER_TYPE; items: Array<{ cluster: ClusterEntry; inlineEndpoints?: Endpoint[] }> }
  | { type: typeof ENDPOINT_TYPE; items: Array<{ name: string; endpoints: Endpoint[] }> };

/** The RDS names the listeners need. */
export function routeNames(config: ProxyConfig): Set<string> {
  return new Set([...config.listeners.values()].map((l) => l.routeConfigName));
}

/** The EDS names the clusters need. */
export function edsNames(config: ProxyConfig): Set<string> {
  return new Set([...config.clusters.values()].flatMap((c) => (c.edsName === undefined ? [] : [c.edsName])));
}

const keepOnly = <V>(map: ReadonlyMap<string, V>, names: Set<string>): Map<string, V> => new Map([...map].filter(([n]) => names.has(n)));

/**
 * The config after applying `update` at `version`. LDS and CDS answers are complete (a name left out is deleted),
 * RDS and EDS answers may be partial (merged by name); route tables and endpoints no listener or cluster names any
 * more are dropped, as an unsubscribed resource is.
 */
export function withUpdate(config: ProxyConfig, update: DecodedUpdate, version: string): ProxyConfig {
  const versions = { ...config.versions, [update.type]: version };
  switch (update.type) {
    case LISTENER_TYPE: {
      const listeners = new Map(update.items.map((l) => [l.name, l]));
      return { ...config, listeners, routes: keepOnly(config.routes, routeNames({ ...config, listeners })), versions };
    }
    case ROUTE_TYPE: {
      const routes = new Map(config.routes);
      for (const table of update.items) routes.set(table.name, table);
      return { ...config, routes: keepOnly(routes, routeNames(config)), versions };
    }
    case CLUSTER_TYPE: {
      const clusters = new Map(update.items.map(({ cluster }) => [cluster.name, cluster]));
      const endpoints = keepOnly(config.endpoints, edsNames({ ...config, clusters }));
      for (const { cluster, inlineEndpoints } of update.items) if (inlineEndpoints) endpoints.set(cluster.name, inlineEndpoints);
      return { ...config, clusters, endpoints, versions };
    }
    case ENDPOINT_TYPE: {
      const endpoints = new Map(config.endpoints);
      for (const { name, endpoints: list } of update.items) endpoints.set(name, list);
      const wanted = edsNames(config);
      for (const c of config.clusters.values()) if (c.edsName === undefined) wanted.add(c.name);
      return { ...config, endpoints: keepOnly(endpoints, wanted), versions };
    }
  }
}

/** The endpoints of `cluster` in `config`. */
export function clusterEndpoints(config: ProxyConfig, cluster: ClusterEntry): readonly Endpoint[] {
  return config.endpoints.get(cluster.edsName ?? cluster.name) ?? [];
}

/** The applied config as JSON for /config_dump (regular expressions as their source). */
export function configDump(config: ProxyConfig): object {
  const plain = (map: ReadonlyMap<string, unknown>): unknown[] => [...map.values()];
  return JSON.parse(JSON.stringify({
    versions: config.versions,
    listeners: plain(config.listeners),
    routes: plain(config.routes),
    clusters: plain(config.clusters),
    endpoints: Object.fromEntries(config.endpoints),
  }, (_k, v: unknown) => (v instanceof RegExp ? v.source : v instanceof Set ? [...v] : v))) as object;
}
