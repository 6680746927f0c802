/**
 * A Service port's RouteConfiguration: the rules of the TrafficRoute for the Service, in order, then a catch-all to
 * the Service itself, so requests no rule matches behave as if there were no TrafficRoute.
 *
 * Mapping notes (where Envoy and the gRPC xDS client differ):
 * - methods match the `:method` pseudo-header; gRPC clients never see pseudo-headers, so such a rule never matches a
 *   proxyless gRPC call (gRPC is always POST);
 * - `timeout` sets both `timeout` (Envoy) and `max_stream_duration` (what gRPC honours as the call deadline);
 * - `retryOn` lists Envoy's HTTP conditions plus the gRPC status names gRPC understands (see RETRY_CONDITIONS);
 *   `budgetPercent` is a cluster setting and goes to the backends' clusters (see cluster-config.ts);
 * - header edits and mirroring are Envoy-only; gRPC ignores them.
 */
import type { ServicePort } from '../../api/types/core.js';
import type { HeaderEdits, HeaderMatch, RetryOn, RouteBackend, RouteMatch, RouteRule, TrafficRoute } from '../../api/types/mesh.js';
import type { RouteConfiguration } from './generated-types.js';
import type { MeshInputs } from './mesh-store.js';
import { resourceName, subsetClusterName } from './naming.js';
import { fractionalPercent, protoDuration } from './proto-values.js';
import { FAULT_TYPE } from './protos.js';

/** The name of the fault filter in the HCM chain, which per-route `typed_per_filter_config` refers to. */
export const FAULT_FILTER = 'envoy.filters.http.fault';

/** Each Cairn retry condition as Envoy `retry_on` values, then the gRPC status names meaning the same failure. */
const RETRY_CONDITIONS: Record<RetryOn, string[]> = {
  '5xx': ['5xx', 'internal', 'unavailable'],
  reset: ['reset', 'unavailable'],
  'connect-failure': ['connect-failure', 'unavailable'],
  'retriable-4xx': ['retriable-4xx'],
  'gateway-error': ['gateway-error', 'unavailable'],
};
const DEFAULT_RETRY_ON: RetryOn[] = ['5xx', 'reset', 'connect-failure'];

type Route = NonNullable<NonNullable<RouteConfiguration['virtual_hosts']>[number]['routes']>[number];
type RouteAction = NonNullable<Route['route']>;

/** What a route needs to know about the Service port it serves. */
export interface RouteTarget {
  namespace: string;
  service: string;
  port: ServicePort;
  zone: string;
  inputs: MeshInputs;
}

/**
 * The port of `service` a route from `target.port` reaches: the same number, else the same name, else the only TCP
 * port; the same number when the Service does not exist (yet), so the route names the cluster it will have.
 */
function backendPort(target: RouteTarget, service: string): number {
  const ports = (target.inputs.service(target.namespace, service)?.spec.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  const chosen = ports.find((p) => p.port === target.port.port)
    ?? (target.port.name ? ports.find((p) => p.name === target.port.name) : undefined)
    ?? (ports.length === 1 ? ports[0] : undefined);
  return chosen?.port ?? target.port.port;
}

export function backendCluster(target: RouteTarget, backend: Pick<RouteBackend, 'service' | 'subset'>): string {
  const name = resourceName(backend.service, target.namespace, backendPort(target, backend.service), target.zone);
  return backend.subset ? subsetClusterName(name, backend.subset.labels) : name;
}

function stringMatch(m: { exact?: string; prefix?: string; regex?: string }): object {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  return { safe_regex: { regex: m.regex ?? '' } };
}

/** Header names are case-insensitive; Envoy and gRPC both hold them lower-cased. */
function headerMatcher(h: HeaderMatch): object {
  const name = h.name.toLowerCase();
  return h.present ? { name, present_match: true } : { name, string_match: stringMatch(h) };
}

function routeMatch(match: RouteMatch | undefined): Route['match'] {
  const path = match?.path;
  const pathSpec = !path ? { prefix: '' } : path.exact !== undefined ? { path: path.exact } : path.prefix !== undefined ? { prefix: path.prefix } : { safe_regex: { regex: path.regex ?? '' } };
  const headers = (match?.headers ?? []).map(headerMatcher);
  const methods = match?.methods ?? [];
  if (methods.length === 1) headers.push({ name: ':method', string_match: { exact: methods[0] } });
  else if (methods.length > 1) headers.push({ name: ':method', string_match: { safe_regex: { regex: methods.join('|') } } });
  return { ...pathSpec, headers };
}

/** The hash keys the consistent-hash DestinationPolicies of `services` ask for, each once. */
function hashPolicies(target: RouteTarget, services: string[]): RouteAction['hash_policy'] {
  const keys = new Map<string, object>();
  for (const service of services) {
    const hashOn = target.inputs.destinationPolicy(target.namespace, service)?.spec.loadBalancer?.hashOn;
    if (hashOn?.header) keys.set(`h:${hashOn.header.toLowerCase()}`, { header: { header_name: hashOn.header.toLowerCase() } });
    else if (hashOn?.sourceIP) keys.set('ip', { connection_properties: { source_ip: true } });
  }
  return [...keys.values()];
}

function headerEdits(edits: HeaderEdits | undefined): { add: object[]; remove: string[] } {
  const option = (action: string) => ([key, value]: [string, string]) => ({ header: { key, value }, append_action: action });
  return {
    add: [
      ...Object.entries(edits?.set ?? {}).map(option('OVERWRITE_IF_EXISTS_OR_ADD')),
      ...Object.entries(edits?.add ?? {}).map(option('APPEND_IF_EXISTS_OR_ADD')),
    ],
    remove: edits?.remove ?? [],
  };
}

function faultConfig(fault: NonNullable<RouteRule['fault']>): { '@type': string } & Record<string, unknown> {
  return {
    '@type': FAULT_TYPE,
    ...(fault.delay ? { delay: { fixed_delay: protoDuration(fault.delay.fixedDelay), percentage: fractionalPercent(fault.delay.percent) } } : {}),
    ...(fault.abort ? { abort: { http_status: fault.abort.httpStatus, percentage: fractionalPercent(fault.abort.percent) } } : {}),
  };
}

function retryPolicy(retries: NonNullable<RouteRule['retries']>): RouteAction['retry_policy'] {
  const retryOn = [...new Set((retries.retryOn ?? DEFAULT_RETRY_ON).flatMap((c) => RETRY_CONDITIONS[c]))];
  return {
    retry_on: retryOn.join(','),
    num_retries: { value: retries.attempts ?? 1 },
    ...(retries.perTryTimeout ? { per_try_timeout: protoDuration(retries.perTryTimeout) } : {}),
  };
}

function ruleRoute(target: RouteTarget, rule: RouteRule, index: number): Route {
  const services = rule.backends.map((b) => b.service);
  const action: RouteAction = rule.backends.length === 1
    ? { cluster: backendCluster(target, rule.backends[0]!) }
    : { weighted_clusters: { clusters: rule.backends.map((b) => ({ name: backendCluster(target, b), weight: { value: b.weight ?? 0 } })) } };
  if (rule.timeout) Object.assign(action, { timeout: protoDuration(rule.timeout), max_stream_duration: { max_stream_duration: protoDuration(rule.timeout) } });
  // Zero attempts means no retries; gRPC NACKs a retry policy with num_retries 0.
  if (rule.retries && rule.retries.attempts !== 0) action.retry_policy = retryPolicy(rule.retries);
  if (rule.mirror) {
    action.request_mirror_policies = [{ cluster: backendCluster(target, { service: rule.mirror.service }), runtime_fraction: { default_value: fractionalPercent(rule.mirror.percent ?? 100) } }];
  }
  action.hash_policy = hashPolicies(target, services);
  const request = headerEdits(rule.headers?.request);
  const response = headerEdits(rule.headers?.response);
  return {
    name: `rule-${index}`,
    match: routeMatch(rule.match),
    route: action,
    request_headers_to_add: request.add,
    request_headers_to_remove: request.remove,
    response_headers_to_add: response.add,
    response_headers_to_remove: response.remove,
    ...(rule.fault ? { typed_per_filter_config: { [FAULT_FILTER]: faultConfig(rule.fault) } } : {}),
  };
}

/** The RouteConfiguration `name` for `target`, and whether a rule injects faults (the listener then needs the fault filter). */
export function routeConfiguration(name: string, domains: string[], target: RouteTarget, route: TrafficRoute | undefined): { config: RouteConfiguration; faults: boolean } {
  const rules = route?.spec.rules ?? [];
  const self = resourceName(target.service, target.namespace, target.port.port, target.zone);
  const fallback: Route = { name: 'default', match: { prefix: '' }, route: { cluster: self, hash_policy: hashPolicies(target, [target.service]) } };
  return {
    config: { name, virtual_hosts: [{ name, domains, routes: [...rules.map((r, i) => ruleRoute(target, r, i)), fallback] }] },
    faults: rules.some((r) => r.fault),
  };
}
