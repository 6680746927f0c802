import { describe, expect, it } from '@jest/globals';
import type { Endpoints, Service } from '../../api/types/core.js';
import { MeshStore } from './mesh-store.js';
import { buildResources } from './resources.js';
import { RESOURCE_TYPES, CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE } from './protos.js';
import { SnapshotCache, type Snapshot } from './snapshot-cache.js';
import * as fx from './testing/mesh-fixtures.js';

const svc = (name: string, port = 80): Service => ({ metadata: { name, namespace: 'ns' }, spec: { ports: [{ port }] } });
const eps = (name: string, ips: string[]): Endpoints => ({ metadata: { name, namespace: 'ns' }, subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ port: 8080 }] }] });
const bodies = (s: Snapshot): Record<string, object[]> => Object.fromEntries(RESOURCE_TYPES.map((t) => [t, [...s.resources[t].entries()].sort().map(([n, r]) => ({ n, body: r.body }))]));

describe('SnapshotCache', () => {
  it('equals the pure build of its Services and Endpoints after any sequence of events', () => {
    const cache = new SnapshotCache('cluster.local');
    cache.setService(svc('a'));
    cache.setEndpoints(eps('a', ['10.0.0.1']));
    cache.setService(svc('b'));
    cache.setService(svc('a', 81));
    cache.setEndpoints(eps('b', ['10.0.0.2']));
    cache.deleteService(svc('b'));
    const store = new MeshStore();
    for (const e of [eps('a', ['10.0.0.1']), eps('b', ['10.0.0.2'])]) store.apply('Endpoints', e, true);
    store.apply('Service', svc('a', 81), true);
    const expected = buildResources(store, 'cluster.local');
    const pure = Object.fromEntries(RESOURCE_TYPES.map((t) => [t, [...expected[t].entries()].sort().map(([n, body]) => ({ n, body }))]));
    expect(bodies(cache.snapshot)).toEqual(pure);
  });

  it('bumps the version only on a real change and copies only the touched types', () => {
    const cache = new SnapshotCache('cluster.local');
    const changes: Snapshot[] = [];
    cache.on('change', (s) => changes.push(s));
    cache.setService(svc('a'));
    const before = cache.snapshot;
    cache.setEndpoints(eps('a', ['10.0.0.1']));
    cache.setEndpoints({ ...eps('a', ['10.0.0.1']), metadata: { name: 'a', namespace: 'ns', resourceVersion: '9' } });
    cache.setEndpoints(eps('unrelated', ['10.0.0.7']));
    expect(changes.map((c) => c.version)).toEqual(['1', '2']);
    expect(cache.snapshot.resources[LISTENER_TYPE]).toBe(before.resources[LISTENER_TYPE]);
    expect(cache.snapshot.resources[CLUSTER_TYPE]).toBe(before.resources[CLUSTER_TYPE]);
    expect(cache.snapshot.resources[ENDPOINT_TYPE]).not.toBe(before.resources[ENDPOINT_TYPE]);
    expect(before.resources[ENDPOINT_TYPE].get('a.ns.svc.cluster.local:80')!.body).toEqual({ cluster_name: 'a.ns.svc.cluster.local:80', endpoints: [] });
  });

  it('equals the pure build after policy events, keeping the resources of Services a change does not touch', () => {
    const cache = new SnapshotCache('cluster.local');
    const route = fx.trafficRoute('r', 'web', [{ backends: [{ service: 'web', subset: { labels: { version: 'v2' } } }] }]);
    cache.set('Service', fx.service('web'));
    cache.set('Service', fx.service('api'));
    cache.set('Endpoints', fx.endpoints('web', { a: '10.0.0.1', b: '10.0.0.2' }));
    cache.set('Pod', fx.pod('a', { version: 'v1' }));
    cache.set('TrafficRoute', route);
    cache.set('Pod', fx.pod('b', { version: 'v2' }));
    cache.set('DestinationPolicy', fx.destinationPolicy('p', { service: 'web', loadBalancer: { policy: 'RingHash', hashOn: { header: 'x-user' } } }));
    cache.set('MeshAuthorization', fx.authorization('d', { default: 'Deny' }));
    cache.delete('Pod', fx.pod('a', {}));
    const api = cache.snapshot.resources[CLUSTER_TYPE].get('api.shop.svc.cluster.local:80');
    cache.set('TrafficRoute', fx.trafficRoute('r', 'web', [{ backends: [{ service: 'web', subset: { labels: { version: 'v1' } } }] }]));
    expect(cache.snapshot.resources[CLUSTER_TYPE].get('api.shop.svc.cluster.local:80')).toBe(api);
    expect(cache.snapshot.resources[CLUSTER_TYPE].has('web.shop.svc.cluster.local:80|version=v2')).toBe(false);
    const store = fx.storeOf(['Service', fx.service('web')], ['Service', fx.service('api')], ['Endpoints', fx.endpoints('web', { a: '10.0.0.1', b: '10.0.0.2' })],
      ['Pod', fx.pod('b', { version: 'v2' })], ['TrafficRoute', fx.trafficRoute('r', 'web', [{ backends: [{ service: 'web', subset: { labels: { version: 'v1' } } }] }])],
      ['DestinationPolicy', fx.destinationPolicy('p', { service: 'web', loadBalancer: { policy: 'RingHash', hashOn: { header: 'x-user' } } })],
      ['MeshAuthorization', fx.authorization('d', { default: 'Deny' })]);
    const expected = buildResources(store, 'cluster.local');
    expect(bodies(cache.snapshot)).toEqual(Object.fromEntries(RESOURCE_TYPES.map((t) => [t, [...expected[t].entries()].sort().map(([n, body]) => ({ n, body }))])));
  });
});
