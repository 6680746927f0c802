import { describe, expect, it } from '@jest/globals';
import type { Endpoints, Service } from '../../api/types/core.js';
import { DeltaStream, type DeltaDiscoveryRequest, type DeltaDiscoveryResponse } from './delta-stream.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from './protos.js';
import { SnapshotCache } from './snapshot-cache.js';

const A = 'a.ns.svc.cluster.local:80';
const B = 'b.ns.svc.cluster.local:80';
const svc = (name: string): Service => ({ metadata: { name, namespace: 'ns' }, spec: { ports: [{ port: 80 }] } });
const eps = (name: string, ip: string): Endpoints => ({ metadata: { name, namespace: 'ns' }, subsets: [{ addresses: [{ ip }], ports: [{ port: 8080 }] }] });

function request(type_url: string, fields: Partial<DeltaDiscoveryRequest> = {}): DeltaDiscoveryRequest {
  return {
    node: null, type_url, resource_names_subscribe: [], resource_names_unsubscribe: [], initial_resource_versions: {},
    response_nonce: '', error_detail: null, resource_locators_subscribe: [], resource_locators_unsubscribe: [], ...fields,
  };
}
const names = (r: DeltaDiscoveryResponse | undefined): string[] => (r?.resources ?? []).map((x) => x.name!);

function setup(): { cache: SnapshotCache; stream: DeltaStream } {
  const cache = new SnapshotCache('cluster.local');
  cache.setService(svc('a'));
  cache.setService(svc('b'));
  return { cache, stream: new DeltaStream(cache.snapshot) };
}

describe('DeltaStream', () => {
  it('sends a wildcard subscription everything, then only changes and removals', () => {
    const { cache, stream } = setup();
    const [all] = stream.handleRequest(request(CLUSTER_TYPE));
    expect(names(all)).toEqual([A, B]);
    expect(all!.resources![0]).toMatchObject({ name: A, version: expect.any(String), resource: { '@type': CLUSTER_TYPE, name: A } });
    stream.handleRequest(request(CLUSTER_TYPE, { response_nonce: all!.nonce }));
    expect(stream.ackedVersion(CLUSTER_TYPE)).toBe(cache.snapshot.version);
    cache.deleteService(svc('b'));
    const [removal] = stream.handleSnapshot(cache.snapshot);
    expect(removal).toMatchObject({ resources: [], removed_resources: [B] });
  });

  it('removes clusters only after the listeners and routes that named them (make-before-break)', () => {
    const { cache, stream } = setup();
    for (const type of [CLUSTER_TYPE, LISTENER_TYPE]) stream.handleRequest(request(type));
    stream.handleRequest(request(ROUTE_TYPE, { resource_names_subscribe: [A, B] }));
    cache.deleteService(svc('b'));
    const pushed = stream.handleSnapshot(cache.snapshot).map((r) => [r.type_url, r.removed_resources]);
    expect(pushed.at(-1)).toEqual([CLUSTER_TYPE, [B]]);
    expect(pushed.slice(0, -1).map(([type]) => type).sort()).toEqual([LISTENER_TYPE, ROUTE_TYPE].sort());
  });

  it('applies subscription deltas even with a stale nonce, and resends a resource subscribed again', () => {
    const { cache, stream } = setup();
    const [first] = stream.handleRequest(request(ENDPOINT_TYPE, { resource_names_subscribe: [A] }));
    expect(names(first)).toEqual([A]);
    cache.setEndpoints(eps('a', '10.0.0.1'));
    const [second] = stream.handleSnapshot(cache.snapshot);
    // An ACK of the first response (stale) that also subscribes to B: B is sent, the ACK ignored.
    const [withB] = stream.handleRequest(request(ENDPOINT_TYPE, { response_nonce: first!.nonce, resource_names_subscribe: [B] }));
    expect(names(withB)).toEqual([B]);
    expect(stream.ackedVersion(ENDPOINT_TYPE)).toBeUndefined();
    expect(stream.handleRequest(request(ENDPOINT_TYPE, { response_nonce: second!.nonce, resource_names_unsubscribe: [A] }))).toEqual([]);
    expect(names(stream.handleRequest(request(ENDPOINT_TYPE, { resource_names_subscribe: [A] }))[0])).toEqual([A]);
  });

  it('sends on reconnect only what differs from the initial resource versions', () => {
    const { cache, stream } = setup();
    const [all] = stream.handleRequest(request(CLUSTER_TYPE));
    const versions = Object.fromEntries(all!.resources!.map((r) => [r.name!, r.version!]));
    const again = new DeltaStream(cache.snapshot);
    expect(again.handleRequest(request(CLUSTER_TYPE, { initial_resource_versions: versions }))).toEqual([]);
    const stale = new DeltaStream(cache.snapshot);
    const [fix] = stale.handleRequest(request(CLUSTER_TYPE, { initial_resource_versions: { [A]: 'old', gone: 'x' } }));
    expect(fix).toMatchObject({ removed_resources: ['gone'] });
    expect(names(fix)).toEqual([A, B]);
  });

  it('records a NACK by resource and does not resend the rejected version', () => {
    const { cache, stream } = setup();
    const [all] = stream.handleRequest(request(CLUSTER_TYPE));
    stream.handleRequest(request(CLUSTER_TYPE, { response_nonce: all!.nonce, error_detail: { code: 14, message: 'resource index 1: bad', details: [] } }));
    expect(stream.status().get(CLUSTER_TYPE)!.rejected).toEqual(new Map([[B, 'bad']]));
    expect(stream.lastNack(CLUSTER_TYPE)).toMatchObject({ version: cache.snapshot.version, message: 'resource index 1: bad' });
    cache.setEndpoints(eps('a', '10.0.0.1'));
    expect(stream.handleSnapshot(cache.snapshot)).toEqual([]);
  });
});
