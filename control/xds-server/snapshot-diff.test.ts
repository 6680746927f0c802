import { describe, expect, it } from '@jest/globals';
import type { Endpoints, Service } from '../../api/types/core.js';
import { AdsStream } from './ads-stream.js';
import type { DiscoveryRequest } from './generated-types.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from './protos.js';
import { SnapshotCache } from './snapshot-cache.js';
import { snapshotDiff } from './snapshot-diff.js';

const name = (svc: string): string => `${svc}.ns.svc.cluster.local:80`;
const svc = (n: string): Service => ({ metadata: { name: n, namespace: 'ns' }, spec: { ports: [{ port: 80 }] } });
const eps = (n: string, ip: string): Endpoints => ({ metadata: { name: n, namespace: 'ns' }, subsets: [{ addresses: [{ ip }], ports: [{ port: 8080 }] }] });
const request = (type_url: string, resource_names: string[]): DiscoveryRequest =>
  ({ type_url, resource_names, response_nonce: '', version_info: '', resource_locators: [], node: null, error_detail: null });

describe('snapshotDiff', () => {
  it('names only the changed resources, and lets streams skip changes they do not subscribe to', () => {
    const cache = new SnapshotCache('cluster.local');
    for (const n of ['a', 'b', 'c']) cache.setService(svc(n));
    const watchingA = new AdsStream(cache.snapshot);
    const watchingAll = new AdsStream(cache.snapshot);
    watchingA.handleRequest(request(ENDPOINT_TYPE, [name('a')]));
    watchingAll.handleRequest(request(ENDPOINT_TYPE, [name('a'), name('b'), name('c')]));
    watchingAll.handleRequest(request(CLUSTER_TYPE, []));

    let before = cache.snapshot;
    cache.setEndpoints(eps('b', '10.0.0.2'));
    let diff = snapshotDiff(before, cache.snapshot);
    expect(diff).toEqual(new Map([[ENDPOINT_TYPE, new Set([name('b')])]]));
    expect(watchingA.handleSnapshot(cache.snapshot, diff)).toEqual([]);
    expect(watchingAll.handleSnapshot(cache.snapshot, diff).map((r) => r.type_url)).toEqual([ENDPOINT_TYPE]);

    before = cache.snapshot;
    cache.deleteService(svc('c'));
    diff = snapshotDiff(before, cache.snapshot);
    expect(new Set(diff.keys())).toEqual(new Set([CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE]));
    expect(watchingA.handleSnapshot(cache.snapshot, diff)).toEqual([]);
    // The wildcard CDS subscriber learns of the deletion.
    expect(watchingAll.handleSnapshot(cache.snapshot, diff).map((r) => r.type_url)).toEqual([CLUSTER_TYPE]);
  });
});
