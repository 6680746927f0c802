import { describe, expect, it } from '@jest/globals';
import { authorizationFilters } from './authorization.js';
import { buildServiceResources } from './resources.js';
import { CLUSTER_TYPE, LISTENER_TYPE } from './protos.js';
import { authorization, service, storeOf } from './testing/mesh-fixtures.js';

const WEB = 'web.shop.svc.cluster.local:80';
const INBOUND = `inbound|${WEB}`;
const rulesOf = (filter: { typed_config: Record<string, unknown> }): { action: string; policies: Record<string, unknown> } =>
  filter.typed_config.rules as { action: string; policies: Record<string, unknown> };

describe('MeshAuthorization → RBAC', () => {
  it('adds no filter and no inbound listener when every caller is allowed', () => {
    const store = storeOf(['Service', service('web')], ['MeshAuthorization', authorization('d', { default: 'Allow' })]);
    expect(authorizationFilters(store, 'shop', 'web', 'cluster.local')).toEqual([]);
    expect([...buildServiceResources(service('web'), store, 'cluster.local')[LISTENER_TYPE].keys()]).toEqual([WEB]);
  });

  it('refuses everything on a default-deny namespace with no Allow policy', () => {
    const filters = authorizationFilters(storeOf(['MeshAuthorization', authorization('d', { default: 'Deny' })]), 'shop', 'web', 'cluster.local');
    expect(filters.map((f) => f.name)).toEqual(['envoy.filters.http.rbac.allow']);
    expect(rulesOf(filters[0]!)).toEqual({ action: 'ALLOW', policies: {} });
  });

  it('checks Deny policies before Allow policies, with SPIFFE principals and path/method permissions', () => {
    const store = storeOf(
      ['MeshAuthorization', authorization('frontend', {
        destination: { service: 'web' }, action: 'Allow',
        sources: [{ serviceAccount: 'frontend' }, { namespace: 'ops' }],
        rules: [{ paths: ['/shop.Cart/*', '/healthz'], methods: ['POST'] }],
      })],
      ['MeshAuthorization', authorization('block-legacy', { destination: { service: 'web' }, action: 'Deny', sources: [{ serviceAccount: 'legacy', namespace: 'old' }] })],
      ['MeshAuthorization', authorization('elsewhere', { destination: { service: 'api' }, action: 'Deny', sources: [{ namespace: 'ops' }] })],
    );
    const filters = authorizationFilters(store, 'shop', 'web', 'cluster.local');
    expect(filters.map((f) => [f.name, rulesOf(f).action])).toEqual([['envoy.filters.http.rbac.deny', 'DENY'], ['envoy.filters.http.rbac.allow', 'ALLOW']]);
    expect(rulesOf(filters[0]!).policies).toEqual({
      'shop/block-legacy': { permissions: [{ any: true }], principals: [{ authenticated: { principal_name: { exact: 'spiffe://cluster.local/ns/old/sa/legacy' } } }] },
    });
    expect(rulesOf(filters[1]!).policies).toEqual({
      'shop/frontend': {
        permissions: [{ and_rules: { rules: [
          { or_rules: { rules: [{ url_path: { path: { prefix: '/shop.Cart/' } } }, { url_path: { path: { exact: '/healthz' } } }] } },
          { or_rules: { rules: [{ header: { name: ':method', string_match: { exact: 'POST' } } }] } },
        ] } }],
        principals: [
          { authenticated: { principal_name: { exact: 'spiffe://cluster.local/ns/shop/sa/frontend' } } },
          { authenticated: { principal_name: { prefix: 'spiffe://cluster.local/ns/ops/sa/' } } },
        ],
      },
    });
  });

  it('puts the filters on an inbound listener before the router, forwarding to the local workload', () => {
    const store = storeOf(['MeshAuthorization', authorization('d', { default: 'Deny' })]);
    const set = buildServiceResources(service('web', [{ name: 'grpc', port: 80, targetPort: 8080 }]), store, 'cluster.local');
    expect(set[LISTENER_TYPE].get(INBOUND)).toMatchObject({
      address: { socket_address: { address: '0.0.0.0', port_value: 8080 } },
      traffic_direction: 'INBOUND',
      filter_chains: [{ filters: [{ typed_config: {
        route_config: { virtual_hosts: [{ domains: ['*'], routes: [{ route: { cluster: INBOUND } }] }] },
        http_filters: [{ name: 'envoy.filters.http.rbac.allow' }, { name: 'envoy.filters.http.router' }],
      } }] }],
    });
    expect(set[CLUSTER_TYPE].get(INBOUND)).toMatchObject({ type: 'STATIC', load_assignment: { endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 8080 } } } }] }] } });
  });
});
