/**
 * Clusters and load assignments: one EDS Cluster per Service port (and per subset a route asks for), shaped by the
 * Service's DestinationPolicy, and its ClusterLoadAssignment of ready addresses.
 *
 * Load balancing, as Envoy and the gRPC xDS client (which knows only ROUND_ROBIN and RING_HASH as `lb_policy`, and
 * NACKs any other) both accept it:
 * - RoundRobin → `lb_policy: ROUND_ROBIN`; RingHash → `RING_HASH` with XX_HASH (the only hash gRPC accepts);
 * - LeastRequest, Maglev → `load_balancing_policy` listing the policy then RoundRobin: Envoy takes the first it
 *   supports, gRPC skips the one it lacks and balances round robin (the legacy `lb_policy` field is left unset).
 */
import type { EndpointAddress, EndpointSubset, ServicePort } from '../../api/types/core.js';
import type { DestinationPolicySpec } from '../../api/types/mesh.js';
import type { Cluster, ClusterLoadAssignment } from './generated-types.js';
import { protoDuration } from './proto-values.js';
import { LEAST_REQUEST_TYPE, MAGLEV_TYPE, ROUND_ROBIN_TYPE } from './protos.js';

export interface ClusterOptions {
  /** The destination Service's DestinationPolicy spec, if any. */
  policy?: DestinationPolicySpec;
  /** The retry budget (percent of active requests) the TrafficRoutes sending here ask for; the largest wins. */
  retryBudgetPercent?: number;
}

function extensionPolicy(name: string, type: string): { typed_extension_config: { name: string; typed_config: { '@type': string } } } {
  return { typed_extension_config: { name, typed_config: { '@type': type } } };
}

function loadBalancing(policy: DestinationPolicySpec['loadBalancer']): Partial<Cluster> {
  const roundRobin = extensionPolicy('envoy.load_balancing_policies.round_robin', ROUND_ROBIN_TYPE);
  switch (policy?.policy ?? 'RoundRobin') {
    case 'RoundRobin':
      return { lb_policy: 'ROUND_ROBIN' };
    case 'RingHash':
      return { lb_policy: 'RING_HASH', ring_hash_lb_config: { hash_function: 'XX_HASH' } };
    case 'LeastRequest':
      return { load_balancing_policy: { policies: [extensionPolicy('envoy.load_balancing_policies.least_request', LEAST_REQUEST_TYPE), roundRobin] } };
    case 'Maglev':
      return { load_balancing_policy: { policies: [extensionPolicy('envoy.load_balancing_policies.maglev', MAGLEV_TYPE), roundRobin] } };
  }
}

/** The DEFAULT-priority thresholds the connection pool and retry budget set; none when nothing is limited. */
function circuitBreakers(opts: ClusterOptions): Partial<Cluster> {
  const pool = opts.policy?.connectionPool ?? {};
  const limits = {
    max_connections: pool.maxConnections,
    max_pending_requests: pool.maxPendingRequests,
    max_requests: pool.maxRequests,
    max_retries: pool.maxRetries,
  };
  const threshold: Record<string, object> = {};
  for (const [field, value] of Object.entries(limits)) if (value !== undefined) threshold[field] = { value };
  if (opts.retryBudgetPercent !== undefined) threshold.retry_budget = { budget_percent: { value: opts.retryBudgetPercent } };
  return Object.keys(threshold).length ? { circuit_breakers: { thresholds: [{ priority: 'DEFAULT', ...threshold }] } } : {};
}

function outlierDetection(od: DestinationPolicySpec['outlierDetection']): Partial<Cluster> {
  if (!od) return {};
  return {
    outlier_detection: {
      // Only consecutive-5xx ejection: success-rate ejection is on by default in Envoy and gRPC, and no field asks for it.
      enforcing_success_rate: { value: 0 },
      ...(od.consecutive5xx === undefined ? {} : { consecutive_5xx: { value: od.consecutive5xx } }),
      ...(od.interval === undefined ? {} : { interval: protoDuration(od.interval) }),
      ...(od.baseEjectionTime === undefined ? {} : { base_ejection_time: protoDuration(od.baseEjectionTime) }),
      ...(od.maxEjectionPercent === undefined ? {} : { max_ejection_percent: { value: od.maxEjectionPercent } }),
    },
  };
}

/**
 * An EDS cluster fetching `name`'s endpoints over ADS. TODO(issue 8): DestinationPolicy `tls.mode: Mutual` becomes an
 * UpstreamTlsContext transport socket once workload certificates exist; it is ignored until then.
 */
export function cluster(name: string, opts: ClusterOptions = {}): Cluster {
  return {
    name,
    type: 'EDS',
    eds_cluster_config: { service_name: name, eds_config: { ads: {}, resource_api_version: 'V3' } },
    connect_timeout: { seconds: '5' },
    ...loadBalancing(opts.policy?.loadBalancer),
    ...circuitBreakers(opts),
    ...outlierDetection(opts.policy?.outlierDetection),
  };
}

/**
 * Ready addresses (those `keep` accepts) of the subsets exposing the Service port (by name; an unnamed Service port
 * matches a subset's single port), in one locality group: clients skip groups without a locality or weight.
 */
export function loadAssignment(name: string, port: ServicePort, subsets: EndpointSubset[], keep: (a: EndpointAddress) => boolean = () => true): ClusterLoadAssignment {
  const lbEndpoints = subsets.flatMap((subset) => {
    const target = (subset.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === 'TCP');
    if (!target) return [];
    return (subset.addresses ?? []).filter(keep).map((a) => ({ endpoint: { address: { socket_address: { address: a.ip, port_value: target.port } } } }));
  });
  if (lbEndpoints.length === 0) return { cluster_name: name, endpoints: [] };
  return { cluster_name: name, endpoints: [{ locality: { region: '', zone: '', sub_zone: '' }, load_balancing_weight: { value: 1 }, priority: 0, lb_endpoints: lbEndpoints }] };
}
