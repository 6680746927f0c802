/**
 * The pure translation of one Service, with the objects it depends on (see mesh-store.ts for the ownership rule),
 * into xDS resources. Per TCP Service port (xDS routes HTTP/gRPC):
 * - a Listener (api_listener with an HttpConnectionManager fetching its routes over ADS; the fault filter before the
 *   router when a rule injects faults) and its RouteConfiguration (route-config.ts);
 * - an EDS Cluster shaped by the DestinationPolicy and its ClusterLoadAssignment of ready addresses
 *   (cluster-config.ts), and the same pair per subset that a TrafficRoute asks of this Service, whose endpoints are
 *   the ready addresses whose pods carry the subset's labels;
 * - when a MeshAuthorization restricts callers, an inbound Listener and its local Cluster (authorization.ts).
 */
import type { EndpointAddress, Service, ServicePort } from '../../api/types/core.js';
import { authorizationFilters, type HttpFilter } from './authorization.js';
import { cluster, loadAssignment, type ClusterOptions } from './cluster-config.js';
import type { Cluster, HttpConnectionManager, Listener, RouteConfiguration } from './generated-types.js';
import type { MeshInputs, MeshStore } from './mesh-store.js';
import { inboundListenerName, resourceName, serviceDomains, subsetClusterName } from './naming.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, FAULT_TYPE, HTTP_CONNECTION_MANAGER_TYPE, LISTENER_TYPE, RESOURCE_TYPES, ROUTE_TYPE, ROUTER_TYPE, type ResourceType } from './protos.js';
import { FAULT_FILTER, routeConfiguration } from './route-config.js';

/** Resource bodies by type, then by name. */
export type ResourceSet = Record<ResourceType, Map<string, object>>;

export function emptyResourceSet<V = object>(): Record<ResourceType, Map<string, V>> {
  return Object.fromEntries(RESOURCE_TYPES.map((t) => [t, new Map()])) as Record<ResourceType, Map<string, V>>;
}

const ROUTER_FILTER: HttpFilter = { name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER_TYPE } };
// The fault filter's top-level config is empty: each route that injects faults overrides it (typed_per_filter_config).
const FAULT_HTTP_FILTER: HttpFilter = { name: FAULT_FILTER, typed_config: { '@type': FAULT_TYPE } };

/** The label selectors TrafficRoutes use on `service`'s pods, each once (keyed by the subset cluster suffix). */
function subsetsOf(inputs: MeshInputs, namespace: string, service: string): Map<string, Record<string, string>> {
  const subsets = new Map<string, Record<string, string>>();
  for (const route of inputs.routesTo(namespace, service)) {
    for (const rule of route.spec.rules) {
      for (const b of rule.backends) if (b.service === service && b.subset) subsets.set(subsetClusterName('', b.subset.labels), b.subset.labels);
    }
  }
  return subsets;
}

/** The largest retry budget of the rules sending traffic to `service`. */
function retryBudget(inputs: MeshInputs, namespace: string, service: string): number | undefined {
  const budgets = inputs.routesTo(namespace, service).flatMap((r) => r.spec.rules)
    .filter((rule) => rule.backends.some((b) => b.service === service) && rule.retries?.budgetPercent !== undefined)
    .map((rule) => rule.retries!.budgetPercent!);
  return budgets.length ? Math.max(...budgets) : undefined;
}

/** The resources of one Service. */
export function buildServiceResources(service: Service, inputs: MeshInputs, zone: string): ResourceSet {
  const set = emptyResourceSet();
  if (service.spec.type === 'ExternalName') return set;
  const { name = '', namespace = 'default' } = service.metadata;
  const endpoints = inputs.endpoints(namespace, name)?.subsets ?? [];
  const route = inputs.trafficRoute(namespace, name);
  const clusterOptions: ClusterOptions = { policy: inputs.destinationPolicy(namespace, name)?.spec, retryBudgetPercent: retryBudget(inputs, namespace, name) };
  const subsets = subsetsOf(inputs, namespace, name);
  const authz = authorizationFilters(inputs, namespace, name, zone);
  const inSubset = (labels: Record<string, string>) => (a: EndpointAddress): boolean => {
    const ref = a.targetRef;
    const podLabels = ref?.kind === 'Pod' && ref.name ? inputs.podLabels(ref.namespace ?? namespace, ref.name) : undefined;
    return !!podLabels && Object.entries(labels).every(([k, v]) => podLabels[k] === v);
  };
  for (const port of service.spec.ports ?? []) {
    if ((port.protocol ?? 'TCP') !== 'TCP') continue;
    const resName = resourceName(name, namespace, port.port, zone);
    const routes = routeConfiguration(resName, serviceDomains(name, namespace, port.port, zone), { namespace, service: name, port, zone, inputs }, route);
    set[LISTENER_TYPE].set(resName, listener(resName, routes.faults ? [FAULT_HTTP_FILTER, ROUTER_FILTER] : [ROUTER_FILTER]));
    set[ROUTE_TYPE].set(resName, routes.config);
    set[CLUSTER_TYPE].set(resName, cluster(resName, clusterOptions));
    set[ENDPOINT_TYPE].set(resName, loadAssignment(resName, port, endpoints));
    for (const labels of subsets.values()) {
      const subsetName = subsetClusterName(resName, labels);
      set[CLUSTER_TYPE].set(subsetName, cluster(subsetName, clusterOptions));
      set[ENDPOINT_TYPE].set(subsetName, loadAssignment(subsetName, port, endpoints, inSubset(labels)));
    }
    if (authz.length) {
      const inbound = inboundListenerName(resName);
      set[LISTENER_TYPE].set(inbound, inboundListener(inbound, port, authz));
      set[CLUSTER_TYPE].set(inbound, localCluster(inbound, port));
    }
  }
  return set;
}

/** The whole snapshot content: every Service's resources. */
export function buildResources(store: MeshStore, zone: string): ResourceSet {
  const all = emptyResourceSet();
  for (const service of store.allServices()) {
    const own = buildServiceResources(service, store, zone);
    for (const type of RESOURCE_TYPES) for (const [n, body] of own[type]) all[type].set(n, body);
  }
  return all;
}

function listener(name: string, filters: HttpFilter[]): Listener {
  const hcm: HttpConnectionManager & { '@type': string } = {
    '@type': HTTP_CONNECTION_MANAGER_TYPE,
    stat_prefix: name,
    rds: { route_config_name: name, config_source: { ads: {}, resource_api_version: 'V3' } },
    http_filters: filters,
  };
  return { name, api_listener: { api_listener: hcm } };
}

/** The workload's own port behind the Service port (a named targetPort is resolved by the sidecar, per pod). */
const workloadPort = (port: ServicePort): number => (typeof port.targetPort === 'number' ? port.targetPort : port.port);

/** Where a destination's sidecar accepts calls: the authorization filters, then everything to the local workload. */
function inboundListener(name: string, port: ServicePort, authz: HttpFilter[]): Listener {
  const routeConfig: RouteConfiguration = { name, virtual_hosts: [{ name, domains: ['*'], routes: [{ match: { prefix: '' }, route: { cluster: name } }] }] };
  const hcm: HttpConnectionManager & { '@type': string } = {
    '@type': HTTP_CONNECTION_MANAGER_TYPE,
    stat_prefix: name,
    route_config: routeConfig,
    http_filters: [...authz, ROUTER_FILTER],
  };
  return {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: workloadPort(port) } },
    traffic_direction: 'INBOUND',
    filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }],
  };
}

/** The local workload as a STATIC cluster (only the destination's own sidecar subscribes to it). */
function localCluster(name: string, port: ServicePort): Cluster {
  return {
    name,
    type: 'STATIC',
    connect_timeout: { seconds: '5' },
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: workloadPort(port) } } } }] }] },
  };
}
