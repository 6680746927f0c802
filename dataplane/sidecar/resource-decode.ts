/**
 * Validation of received xDS resources into the config model. Each decoder throws an Error naming the field and the
 * problem; the xDS client prefixes the resource name and NACKs the whole response (the previous config stays).
 * Only what this proxy uses is checked; fields it ignores are accepted. Listeners without an `api_listener` (the
 * inbound side, a later slice) are skipped, not rejected, since LDS is subscribed by wildcard.
 */
import { CLUSTER_TYPE, ENDPOINT_TYPE, FAULT_TYPE, HTTP_CONNECTION_MANAGER_TYPE, LEAST_REQUEST_TYPE, LISTENER_TYPE, MAGLEV_TYPE, ROUND_ROBIN_TYPE, ROUTE_TYPE, type ResourceType } from '../../control/xds-server/protos.js';
import type { ClusterEntry, DecodedUpdate, Endpoint, FaultPolicy, HeaderEdit, HeaderMatcher, LbPolicy, OutboundListener, PathMatcher, RetryPolicy, RouteEntry, RouteTable, StringMatcher } from './config-model.js';
import type {
  AnyValue, ClusterLoadAssignmentMsg, ClusterMsg, DurationMsg, FractionalPercentMsg, HeaderMatcherMsg, HeaderValueOptionMsg, HttpConnectionManagerMsg, HttpFaultMsg, ListenerMsg,
  RouteConfigurationMsg, RouteMsg, StringMatcherMsg,
} from './xds-types.js';

const FAULT_FILTER = 'envoy.filters.http.fault';
/** The retry conditions this proxy implements; gRPC status names in `retry_on` are for gRPC clients and ignored. */
const KNOWN_RETRY_ON = new Set(['5xx', 'gateway-error', 'reset', 'connect-failure', 'retriable-4xx']);
const GRPC_RETRY_ON = new Set(['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable']);

export function durationMs(d: DurationMsg | null | undefined): number | undefined {
  if (!d) return undefined;
  const ms = Number(d.seconds) * 1000 + d.nanos / 1e6;
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`duration ${JSON.stringify(d)} is not a non-negative duration`);
  return ms;
}

export function percentOf(p: FractionalPercentMsg | null | undefined, field: string): number {
  if (!p) return 100;
  const scale: Record<string, number> = { HUNDRED: 1, TEN_THOUSAND: 100, MILLION: 10_000 };
  const divisor = scale[p.denominator];
  if (divisor === undefined) throw new Error(`${field}.denominator ${p.denominator} is not HUNDRED, TEN_THOUSAND or MILLION`);
  return Math.min(100, p.numerator / divisor);
}

function regex(source: string, field: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (err) {
    throw new Error(`${field} ${JSON.stringify(source)} is not a valid regular expression: ${(err as Error).message}`);
  }
}

function stringMatcher(m: StringMatcherMsg, field: string): StringMatcher {
  switch (m.match_pattern) {
    case 'exact': return { exact: m.exact };
    case 'prefix': return { prefix: m.prefix };
    case 'suffix': return { suffix: m.suffix };
    case 'contains': return { contains: m.contains };
    case 'safe_regex': return { regex: regex(m.safe_regex?.regex ?? '', `${field}.safe_regex.regex`) };
    default: throw new Error(`${field} has no supported pattern (exact, prefix, suffix, contains, safe_regex)`);
  }
}

function headerMatcher(h: HeaderMatcherMsg, field: string): HeaderMatcher {
  if (!h.name) throw new Error(`${field}.name is empty`);
  const base = { name: h.name.toLowerCase(), invert: h.invert_match };
  switch (h.header_match_specifier) {
    case 'present_match': return { ...base, present: h.present_match };
    case 'string_match': return { ...base, ...stringMatcher(h.string_match!, `${field}.string_match`) };
    case 'exact_match': return { ...base, exact: h.exact_match };
    case 'prefix_match': return { ...base, prefix: h.prefix_match };
    case 'suffix_match': return { ...base, suffix: h.suffix_match };
    case 'contains_match': return { ...base, contains: h.contains_match };
    case 'safe_regex_match': return { ...base, regex: regex(h.safe_regex_match?.regex ?? '', `${field}.safe_regex_match.regex`) };
    default: throw new Error(`${field} uses ${h.header_match_specifier ?? 'no matcher'}; supported: present_match, string_match`);
  }
}

function pathMatcher(match: RouteMsg['match'], field: string): PathMatcher {
  switch (match?.path_specifier) {
    case 'prefix': return { kind: 'prefix', value: match.prefix! };
    case 'path': return { kind: 'exact', value: match.path! };
    case 'safe_regex': return { kind: 'regex', value: match.safe_regex?.regex ?? '', regex: regex(match.safe_regex?.regex ?? '', `${field}.safe_regex.regex`) };
    default: throw new Error(`${field} has ${match?.path_specifier ?? 'no path specifier'}; supported: prefix, path, safe_regex`);
  }
}

function headerEdits(options: HeaderValueOptionMsg[]): HeaderEdit[] {
  return options.flatMap((o) => (o.header ? [{ key: o.header.key.toLowerCase(), value: o.header.value, append: o.append_action === 'APPEND_IF_EXISTS_OR_ADD' }] : []));
}

function fault(config: AnyValue | undefined, field: string): FaultPolicy | undefined {
  if (!config) return undefined;
  if (config['@type'] !== FAULT_TYPE) throw new Error(`${field} is ${config['@type'] ?? config.type_url}, expected ${FAULT_TYPE}`);
  const f = config as unknown as HttpFaultMsg;
  const out: FaultPolicy = {};
  if (f.abort) {
    if (f.abort.error_type !== 'http_status') throw new Error(`${field}.abort must set http_status`);
    const status = f.abort.http_status ?? 0;
    if (status < 200 || status > 599) throw new Error(`${field}.abort.http_status ${status} is not 200-599`);
    out.abort = { httpStatus: status, percent: percentOf(f.abort.percentage, `${field}.abort.percentage`) };
  }
  if (f.delay) {
    if (f.delay.fault_delay_secifier !== 'fixed_delay') throw new Error(`${field}.delay must set fixed_delay`);
    out.delay = { ms: durationMs(f.delay.fixed_delay) ?? 0, percent: percentOf(f.delay.percentage, `${field}.delay.percentage`) };
  }
  return out;
}

function retryPolicy(p: NonNullable<RouteMsg['route']>['retry_policy'], field: string): RetryPolicy | undefined {
  if (!p) return undefined;
  const conditions = p.retry_on.split(',').map((c) => c.trim()).filter(Boolean);
  const unknown = conditions.filter((c) => !KNOWN_RETRY_ON.has(c) && !GRPC_RETRY_ON.has(c));
  if (unknown.length) throw new Error(`${field}.retry_on has unsupported conditions ${unknown.join(', ')}`);
  return {
    on: new Set(conditions.filter((c) => KNOWN_RETRY_ON.has(c))),
    numRetries: p.num_retries?.value ?? 1,
    ...(p.per_try_timeout ? { perTryTimeoutMs: durationMs(p.per_try_timeout) } : {}),
  };
}

function route(r: RouteMsg, field: string): RouteEntry {
  if (r.action !== 'route' || !r.route) throw new Error(`${field} has action ${r.action ?? 'none'}; only route actions are supported`);
  const a = r.route;
  let clusters: RouteEntry['clusters'];
  if (a.cluster_specifier === 'cluster') {
    if (!a.cluster) throw new Error(`${field}.route.cluster is empty`);
    clusters = [{ name: a.cluster, weight: 1 }];
  } else if (a.cluster_specifier === 'weighted_clusters') {
    clusters = (a.weighted_clusters?.clusters ?? []).map((c) => ({ name: c.name, weight: c.weight?.value ?? 0 }));
    if (clusters.reduce((s, c) => s + c.weight, 0) <= 0) throw new Error(`${field}.route.weighted_clusters weights must sum to more than 0`);
  } else {
    throw new Error(`${field}.route uses ${a.cluster_specifier ?? 'no cluster specifier'}; supported: cluster, weighted_clusters`);
  }
  const mirror = a.request_mirror_policies[0];
  const timeoutMs = durationMs(a.timeout);
  return {
    name: r.name,
    path: pathMatcher(r.match, `${field}.match`),
    headers: (r.match?.headers ?? []).map((h, i) => headerMatcher(h, `${field}.match.headers[${i}]`)),
    clusters,
    // Envoy: a zero route timeout disables it.
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(a.retry_policy ? { retry: retryPolicy(a.retry_policy, `${field}.route.retry_policy`) } : {}),
    ...(r.typed_per_filter_config[FAULT_FILTER] ? { fault: fault(r.typed_per_filter_config[FAULT_FILTER] as unknown as AnyValue, `${field}.typed_per_filter_config[${FAULT_FILTER}]`) } : {}),
    hashHeaders: a.hash_policy.flatMap((h) => (h.policy_specifier === 'header' && h.header ? [h.header.header_name.toLowerCase()] : [])),
    requestHeadersToAdd: headerEdits(r.request_headers_to_add),
    requestHeadersToRemove: r.request_headers_to_remove.map((h) => h.toLowerCase()),
    responseHeadersToAdd: headerEdits(r.response_headers_to_add),
    responseHeadersToRemove: r.response_headers_to_remove.map((h) => h.toLowerCase()),
    ...(mirror ? { mirror: { cluster: mirror.cluster, percent: percentOf(mirror.runtime_fraction?.default_value, `${field}.route.request_mirror_policies[0].runtime_fraction`) } } : {}),
  };
}

export function decodeRouteConfiguration(rc: RouteConfigurationMsg): RouteTable {
  return {
    name: rc.name,
    virtualHosts: rc.virtual_hosts.map((vh, v) => {
      if (vh.domains.length === 0) throw new Error(`virtual_hosts[${v}].domains is empty`);
      return { name: vh.name, domains: vh.domains.map((d) => d.toLowerCase()), routes: vh.routes.map((r, i) => route(r, `virtual_hosts[${v}].routes[${i}]`)) };
    }),
  };
}

/** An outbound listener, or undefined for a listener this slice does not serve (no api_listener). */
export function decodeListener(l: ListenerMsg): OutboundListener | undefined {
  if (!l.api_listener) return undefined;
  const hcm = l.api_listener.api_listener as unknown as (AnyValue & HttpConnectionManagerMsg) | null;
  if (hcm?.['@type'] !== HTTP_CONNECTION_MANAGER_TYPE) throw new Error(`api_listener.api_listener is ${hcm?.['@type'] ?? hcm?.type_url ?? 'empty'}, expected ${HTTP_CONNECTION_MANAGER_TYPE}`);
  if (hcm.route_specifier !== 'rds' || !hcm.rds?.route_config_name) throw new Error('api_listener: the HttpConnectionManager must name its routes with rds.route_config_name');
  return { name: l.name, routeConfigName: hcm.rds.route_config_name };
}

function lbPolicy(c: ClusterMsg): LbPolicy {
  const byType: Record<string, LbPolicy> = { [ROUND_ROBIN_TYPE]: 'round_robin', [LEAST_REQUEST_TYPE]: 'least_request', [MAGLEV_TYPE]: 'ring_hash' };
  if (c.load_balancing_policy) {
    // Envoy semantics: the first policy this proxy supports wins.
    for (const p of c.load_balancing_policy.policies) {
      const found = byType[(p.typed_extension_config?.typed_config as unknown as AnyValue | null)?.['@type'] ?? ''];
      if (found) return found;
    }
    throw new Error('load_balancing_policy lists no supported policy (RoundRobin, LeastRequest, Maglev)');
  }
  const legacy: Record<string, LbPolicy> = { ROUND_ROBIN: 'round_robin', LEAST_REQUEST: 'least_request', RING_HASH: 'ring_hash', MAGLEV: 'ring_hash', RANDOM: 'random' };
  const policy = legacy[c.lb_policy];
  if (!policy) throw new Error(`lb_policy ${c.lb_policy} is not supported (ROUND_ROBIN, LEAST_REQUEST, RING_HASH, MAGLEV, RANDOM)`);
  return policy;
}

function endpointsOf(cla: ClusterLoadAssignmentMsg, field: string): Endpoint[] {
  return cla.endpoints.flatMap((group, g) => group.lb_endpoints.flatMap((lb, i) => {
    if (lb.health_status === 'UNHEALTHY' || lb.health_status === 'DRAINING') return [];
    const socket = lb.endpoint?.address?.socket_address;
    const at = `${field}.endpoints[${g}].lb_endpoints[${i}].endpoint.address.socket_address`;
    if (!socket?.address) throw new Error(`${at}.address is empty`);
    const port = socket.port_value ?? 0;
    if (!(port >= 1 && port <= 65535)) throw new Error(`${at}.port_value ${port} is not 1-65535 (named ports are not supported)`);
    return [{ host: socket.address, port }];
  }));
}

export function decodeCluster(c: ClusterMsg): { cluster: ClusterEntry; inlineEndpoints?: Endpoint[] } {
  if (!c.name) throw new Error('name is empty');
  const thresholds = c.circuit_breakers?.thresholds.find((t) => t.priority === 'DEFAULT');
  const od = c.outlier_detection;
  const cluster: ClusterEntry = {
    name: c.name,
    lb: lbPolicy(c),
    connectTimeoutMs: durationMs(c.connect_timeout) ?? 5000,
    thresholds: {
      maxConnections: thresholds?.max_connections?.value,
      maxPendingRequests: thresholds?.max_pending_requests?.value,
      maxRequests: thresholds?.max_requests?.value,
      maxRetries: thresholds?.max_retries?.value,
      retryBudgetPercent: thresholds?.retry_budget?.budget_percent?.value,
    },
    // Envoy's defaults for the unset fields.
    ...(od ? {
      outlier: {
        consecutive5xx: od.consecutive_5xx?.value ?? 5,
        intervalMs: durationMs(od.interval) ?? 10_000,
        baseEjectionMs: durationMs(od.base_ejection_time) ?? 30_000,
        maxEjectionMs: durationMs(od.max_ejection_time) ?? 300_000,
        maxEjectionPercent: od.max_ejection_percent?.value ?? 10,
      },
    } : {}),
  };
  if (c.type === 'EDS') return { cluster: { ...cluster, edsName: c.eds_cluster_config?.service_name || c.name } };
  if (c.type === 'STATIC') return { cluster, inlineEndpoints: endpointsOf(c.load_assignment ?? { cluster_name: c.name, endpoints: [], named_endpoints: {}, policy: null }, 'load_assignment') };
  throw new Error(`type ${c.cluster_discovery_type === 'type' ? c.type : 'custom'} is not supported (EDS, STATIC)`);
}

export function decodeLoadAssignment(cla: ClusterLoadAssignmentMsg): { name: string; endpoints: Endpoint[] } {
  if (!cla.cluster_name) throw new Error('cluster_name is empty');
  return { name: cla.cluster_name, endpoints: endpointsOf(cla, '') };
}

function nameOf(type: ResourceType, r: AnyValue): string {
  const name = type === ENDPOINT_TYPE ? r.cluster_name : r.name;
  return typeof name === 'string' && name ? name : '(unnamed)';
}

/**
 * The resources of one response, each validated on its own: the good ones as an update, and per bad one (a
 * resource whose `@type` differs from the response's type URL too) its name and `resource index <i>: <Type> <name>:
 * <problem>`, the form gRPC NACKs with and the xds-server reads.
 */
export function decodeResponse(type: ResourceType, resources: AnyValue[]): { update: DecodedUpdate; errors: Array<{ name: string; error: string }> } {
  const errors: Array<{ name: string; error: string }> = [];
  const each = <T>(decode: (r: never) => T): T[] => resources.flatMap((r, i) => {
    try {
      if (r['@type'] !== type) throw new Error(`resource is ${r['@type'] ?? r.type_url ?? 'untyped'}, expected ${type}`);
      return [decode(r as never)];
    } catch (err) {
      errors.push({ name: nameOf(type, r), error: `resource index ${i}: ${type.slice(type.lastIndexOf('.') + 1)} ${nameOf(type, r)}: ${(err as Error).message}` });
      return [];
    }
  });
  const update = ((): DecodedUpdate => {
    switch (type) {
      case LISTENER_TYPE: return { type, items: each(decodeListener).filter((l): l is OutboundListener => l !== undefined) };
      case ROUTE_TYPE: return { type, items: each(decodeRouteConfiguration) };
      case CLUSTER_TYPE: return { type, items: each(decodeCluster) };
      case ENDPOINT_TYPE: return { type, items: each(decodeLoadAssignment) };
    }
  })();
  return { update, errors };
}
