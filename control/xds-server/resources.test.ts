import { describe, expect, it } from '@jest/globals';
import type { Endpoints, Service } from '../../api/types/core.js';
import { MeshStore } from './mesh-store.js';
import { buildResources, buildServiceResources } from './resources.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, RESOURCE_TYPES, ROUTE_TYPE } from './protos.js';

const service = (ports: Service['spec']['ports'], extra: Partial<Service['spec']> = {}): Service =>
  ({ metadata: { name: 'web', namespace: 'shop' }, spec: { ports, ...extra } });
const endpoints = (subsets: Endpoints['subsets']): Endpoints => ({ metadata: { name: 'web', namespace: 'shop' }, subsets });
const storeWith = (eps?: Endpoints): MeshStore => {
  const store = new MeshStore();
  if (eps) store.apply('Endpoints', eps, true);
  return store;
};

describe('buildServiceResources', () => {
  it('gives every TCP port a listener, route, EDS cluster and load assignment under one name', () => {
    const set = buildServiceResources(service([{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }]), storeWith(), 'cluster.local');
    const name = 'web.shop.svc.cluster.local:80';
    for (const type of RESOURCE_TYPES) expect([...set[type].keys()]).toEqual([name]);
    expect(set[LISTENER_TYPE].get(name)).toMatchObject({ api_listener: { api_listener: { rds: { route_config_name: name, config_source: { ads: {} } } } } });
    expect(set[ROUTE_TYPE].get(name)).toMatchObject({ virtual_hosts: [{ domains: expect.arrayContaining(['web.shop.svc.cluster.local', name]), routes: [{ route: { cluster: name } }] }] });
    expect(set[CLUSTER_TYPE].get(name)).toMatchObject({ type: 'EDS', lb_policy: 'ROUND_ROBIN', eds_cluster_config: { service_name: name, eds_config: { ads: {} } } });
    expect(set[ENDPOINT_TYPE].get(name)).toEqual({ cluster_name: name, endpoints: [] });
  });

  it('puts the ready addresses of the matching named port in one weighted locality group', () => {
    const eps = endpoints([
      { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], notReadyAddresses: [{ ip: '10.0.0.9' }], ports: [{ name: 'http', port: 8080 }, { name: 'admin', port: 9000 }] },
      { addresses: [{ ip: '10.0.0.3' }], ports: [{ name: 'admin', port: 9000 }] },
    ]);
    const set = buildServiceResources(service([{ name: 'http', port: 80 }]), storeWith(eps), 'cluster.local');
    const cla = set[ENDPOINT_TYPE].get('web.shop.svc.cluster.local:80') as { endpoints: { locality: object; load_balancing_weight: { value: number }; lb_endpoints: { endpoint: { address: { socket_address: object } } }[] }[] };
    expect(cla.endpoints).toHaveLength(1);
    expect(cla.endpoints[0]!.locality).toBeDefined();
    expect(cla.endpoints[0]!.load_balancing_weight).toEqual({ value: 1 });
    expect(cla.endpoints[0]!.lb_endpoints.map((e) => e.endpoint.address.socket_address)).toEqual([
      { address: '10.0.0.1', port_value: 8080 }, { address: '10.0.0.2', port_value: 8080 },
    ]);
  });

  it('serves nothing for an ExternalName service', () => {
    const set = buildServiceResources(service([{ port: 80 }], { type: 'ExternalName', externalName: 'example.org' }), storeWith(), 'cluster.local');
    expect(set[LISTENER_TYPE].size + set[CLUSTER_TYPE].size).toBe(0);
  });
});

describe('buildResources', () => {
  it('matches each Service with the Endpoints of its namespace and name', () => {
    const other: Service = { metadata: { name: 'web', namespace: 'other' }, spec: { ports: [{ port: 80 }] } };
    const store = storeWith(endpoints([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 8080 }] }]));
    for (const s of [service([{ port: 80 }]), other]) store.apply('Service', s, true);
    const set = buildResources(store, 'cluster.local');
    expect([...set[CLUSTER_TYPE].keys()].sort()).toEqual(['web.other.svc.cluster.local:80', 'web.shop.svc.cluster.local:80']);
    expect(JSON.stringify(set[ENDPOINT_TYPE].get('web.shop.svc.cluster.local:80'))).toContain('10.0.0.1');
    expect(set[ENDPOINT_TYPE].get('web.other.svc.cluster.local:80')).toEqual({ cluster_name: 'web.other.svc.cluster.local:80', endpoints: [] });
  });
});
