/**
 * Every resource built from a policy-rich namespace is a well-formed Envoy message (no unknown field, valid enum
 * values), and every resource a gRPC client subscribes to passes @grpc/grpc-js-xds's own validation (what it NACKs).
 */
import { describe, expect, it } from '@jest/globals';
import type { DestinationPolicy, LoadBalancerPolicy } from '../../api/types/mesh.js';
import { buildResources } from './resources.js';
import { CLUSTER_TYPE, LISTENER_TYPE, RESOURCE_TYPES } from './protos.js';
import { grpcXdsErrors, protoErrors } from './testing/envoy-check.js';
import { authorization, destinationPolicy, endpoints, pod, service, storeOf, trafficRoute } from './testing/mesh-fixtures.js';

const LB: Record<string, LoadBalancerPolicy> = { web: 'RingHash', api: 'LeastRequest', shadow: 'Maglev' };

const store = storeOf(
  ['Service', service('web')], ['Service', service('api')], ['Service', service('shadow')], ['Service', service('plain')],
  ['Endpoints', endpoints('web', { a: '10.0.0.1', b: '10.0.0.2' })],
  ['Pod', pod('a', { version: 'v1' })], ['Pod', pod('b', { version: 'v2' })],
  ...Object.entries(LB).map(([svc, policy]): ['DestinationPolicy', DestinationPolicy] => ['DestinationPolicy', destinationPolicy(svc, {
    service: svc,
    loadBalancer: { policy, ...(policy === 'LeastRequest' ? {} : { hashOn: { header: 'x-user' } }) },
    connectionPool: { maxConnections: 10, maxPendingRequests: 5, maxRequests: 20, maxRetries: 2 },
    outlierDetection: { consecutive5xx: 3, interval: '5s', baseEjectionTime: '30s', maxEjectionPercent: 20 },
  })]),
  ['TrafficRoute', trafficRoute('web', 'web', [
    {
      match: { path: { regex: '/shop\\..*' }, headers: [{ name: 'x-user', prefix: 'qa-' }, { name: 'x-debug', present: true }], methods: ['POST', 'GET'] },
      backends: [{ service: 'web', subset: { labels: { version: 'v1' } }, weight: 80 }, { service: 'web', subset: { labels: { version: 'v2' } }, weight: 20 }],
      timeout: '2s',
      retries: { attempts: 2, perTryTimeout: '500ms', retryOn: ['5xx', 'reset', 'connect-failure', 'retriable-4xx', 'gateway-error'], budgetPercent: 25 },
      fault: { delay: { fixedDelay: '100ms', percent: 1 }, abort: { httpStatus: 503, percent: 1 } },
      headers: { request: { set: { 'x-a': '1' }, add: { 'x-b': '2' }, remove: ['x-c'] }, response: { set: { 'x-d': '3' }, remove: ['x-e'] } },
      mirror: { service: 'shadow', percent: 10 },
    },
    { match: { path: { exact: '/shop.Api/Get' } }, backends: [{ service: 'api' }] },
  ])],
  ['MeshAuthorization', authorization('allow', { destination: { service: 'web' }, action: 'Allow', sources: [{ serviceAccount: 'fe' }, { namespace: 'ops' }], rules: [{ paths: ['/a/*'], methods: ['GET'] }] })],
  ['MeshAuthorization', authorization('deny', { destination: { service: 'web' }, action: 'Deny', sources: [{ namespace: 'old' }] })],
);
const all = buildResources(store, 'cluster.local');
const entries = RESOURCE_TYPES.flatMap((type) => [...all[type]].map(([name, body]) => ({ type, name, body })));

describe('built resources against the Envoy protos and the gRPC xDS client', () => {
  it('covers every kind of resource the builders make', () => {
    expect(entries.map((e) => e.name)).toEqual(expect.arrayContaining([
      'web.shop.svc.cluster.local:80|version=v2', 'inbound|web.shop.svc.cluster.local:80', 'api.shop.svc.cluster.local:80', 'plain.shop.svc.cluster.local:80',
    ]));
  });

  it('uses only fields and enum values of the Envoy messages', () => {
    expect(entries.flatMap((e) => protoErrors(e.type, e.body))).toEqual([]);
  });

  it('is accepted by @grpc/grpc-js-xds, inbound (sidecar-only) resources aside', () => {
    const outbound = entries.filter((e) => !e.name.startsWith('inbound|'));
    expect(outbound.map((e) => [e.name, grpcXdsErrors(e.type, e.body)]).filter(([, err]) => err)).toEqual([]);
  });

  it('would notice a misspelt field or a resource gRPC refuses', () => {
    expect(protoErrors(CLUSTER_TYPE, { name: 'x', lb_polcy: 'ROUND_ROBIN' })).toEqual(['envoy.config.cluster.v3.Cluster.lb_polcy: no such field in .envoy.config.cluster.v3.Cluster']);
    expect(protoErrors(CLUSTER_TYPE, { name: 'x', lb_policy: 'FASTEST' })).toEqual(['envoy.config.cluster.v3.Cluster.lb_policy: FASTEST is not a value of .envoy.config.cluster.v3.Cluster.LbPolicy']);
    const leastRequest = { name: 'x', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } }, lb_policy: 'LEAST_REQUEST' };
    expect(grpcXdsErrors(CLUSTER_TYPE, leastRequest)).toContain('unsupported lb_policy: LEAST_REQUEST');
    // The inbound listener's RBAC filters need GRPC_XDS_EXPERIMENTAL_RBAC=true in gRPC; Envoy sidecars are its audience.
    const inbound = all[LISTENER_TYPE].get('inbound|web.shop.svc.cluster.local:80')!;
    expect(grpcXdsErrors(LISTENER_TYPE, inbound)).toContain('rbac');
  });
});
