/**
 * The pure translation of one Service (and its Endpoints) into xDS resources: per Service port a Listener
 * (api_listener with an HttpConnectionManager fetching its routes over ADS), a RouteConfiguration (one virtual
 * host, every path to the port's cluster), an EDS Cluster (round robin) and its ClusterLoadAssignment (the
 * ready addresses). Only TCP ports are served: xDS routes HTTP/gRPC.
 */
import type { EndpointSubset, Endpoints, Service, ServicePort } from '../../api/types/core.js';
import type { Cluster, ClusterLoadAssignment, HttpConnectionManager, Listener, RouteConfiguration } from './generated-types.js';
import { resourceName, serviceDomains } from './naming.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, HTTP_CONNECTION_MANAGER_TYPE, LISTENER_TYPE, RESOURCE_TYPES, ROUTE_TYPE, ROUTER_TYPE, type ResourceType } from './protos.js';

/** Resource bodies by type, then by name. */
export type ResourceSet = Record<ResourceType, Map<string, object>>;

export function emptyResourceSet<V = object>(): Record<ResourceType, Map<string, V>> {
  return Object.fromEntries(RESOURCE_TYPES.map((t) => [t, new Map()])) as Record<ResourceType, Map<string, V>>;
}

/** The resources of one Service; `endpoints` is the Endpoints object of the same name, if any. */
export function buildServiceResources(service: Service, endpoints: Endpoints | undefined, zone: string): ResourceSet {
  const set = emptyResourceSet();
  if (service.spec.type === 'ExternalName') return set;
  const { name = '', namespace = 'default' } = service.metadata;
  for (const port of service.spec.ports ?? []) {
    if ((port.protocol ?? 'TCP') !== 'TCP') continue;
    const resName = resourceName(name, namespace, port.port, zone);
    set[LISTENER_TYPE].set(resName, listener(resName));
    set[ROUTE_TYPE].set(resName, route(resName, serviceDomains(name, namespace, port.port, zone)));
    set[CLUSTER_TYPE].set(resName, cluster(resName));
    set[ENDPOINT_TYPE].set(resName, loadAssignment(resName, port, endpoints?.subsets ?? []));
  }
  return set;
}

/** The whole snapshot content: every Service's resources, Endpoints matched by namespace/name. */
export function buildResources(services: Iterable<Service>, endpoints: ReadonlyMap<string, Endpoints>, zone: string): ResourceSet {
  const all = emptyResourceSet();
  for (const service of services) {
    const key = `${service.metadata.namespace ?? 'default'}/${service.metadata.name ?? ''}`;
    const own = buildServiceResources(service, endpoints.get(key), zone);
    for (const type of RESOURCE_TYPES) for (const [n, body] of own[type]) all[type].set(n, body);
  }
  return all;
}

function listener(name: string): Listener {
  const hcm: HttpConnectionManager & { '@type': string } = {
    '@type': HTTP_CONNECTION_MANAGER_TYPE,
    stat_prefix: name,
    rds: { route_config_name: name, config_source: { ads: {}, resource_api_version: 'V3' } },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER_TYPE } }],
  };
  return { name, api_listener: { api_listener: hcm } };
}

function route(name: string, domains: string[]): RouteConfiguration {
  return { name, virtual_hosts: [{ name, domains, routes: [{ match: { prefix: '' }, route: { cluster: name } }] }] };
}

function cluster(name: string): Cluster {
  return {
    name,
    type: 'EDS',
    eds_cluster_config: { service_name: name, eds_config: { ads: {}, resource_api_version: 'V3' } },
    lb_policy: 'ROUND_ROBIN',
    connect_timeout: { seconds: '5' },
  };
}

/**
 * Ready addresses of the subsets exposing the Service port (by name; an unnamed Service port matches a
 * subset's single port), in one locality group: clients skip groups without a locality or weight.
 */
function loadAssignment(name: string, port: ServicePort, subsets: EndpointSubset[]): ClusterLoadAssignment {
  const lbEndpoints = subsets.flatMap((subset) => {
    const target = (subset.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === 'TCP');
    if (!target) return [];
    return (subset.addresses ?? []).map((a) => ({ endpoint: { address: { socket_address: { address: a.ip, port_value: target.port } } } }));
  });
  if (lbEndpoints.length === 0) return { cluster_name: name, endpoints: [] };
  return { cluster_name: name, endpoints: [{ locality: { region: '', zone: '', sub_zone: '' }, load_balancing_weight: { value: 1 }, priority: 0, lb_endpoints: lbEndpoints }] };
}
