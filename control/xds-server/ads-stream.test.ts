import { describe, expect, it } from '@jest/globals';
import type { Endpoints, Service } from '../../api/types/core.js';
import { AdsStream } from './ads-stream.js';
import type { DiscoveryRequest } from './generated-types.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from './protos.js';
import { SnapshotCache } from './snapshot-cache.js';

const A = 'a.ns.svc.cluster.local:80';
const B = 'b.ns.svc.cluster.local:80';
const svc = (name: string): Service => ({ metadata: { name, namespace: 'ns' }, spec: { ports: [{ port: 80 }] } });
const eps = (name: string, ips: string[]): Endpoints => ({ metadata: { name, namespace: 'ns' }, subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ port: 8080 }] }] });

function request(type_url: string, resource_names: string[], response_nonce = '', version_info = '', error?: string): DiscoveryRequest {
  return {
    type_url, resource_names, response_nonce, version_info, resource_locators: [],
    node: response_nonce === '' && type_url === LISTENER_TYPE ? { id: 'n1' } as DiscoveryRequest['node'] : null,
    error_detail: error ? { code: 14, message: error, details: [] } : null,
  };
}

function setup(): { cache: SnapshotCache; stream: AdsStream } {
  const cache = new SnapshotCache('cluster.local');
  cache.setService(svc('a'));
  cache.setEndpoints(eps('a', ['10.0.0.1']));
  return { cache, stream: new AdsStream(cache.snapshot) };
}

const names = (r: { resources?: unknown[] }): string[] => (r.resources ?? []).map((x) => (x as { name?: string; cluster_name?: string }).name ?? (x as { cluster_name: string }).cluster_name);

describe('AdsStream', () => {
  it('answers a new subscription with Any-typed resources, records the node and the ACKed version', () => {
    const { stream } = setup();
    const [lds] = stream.handleRequest(request(LISTENER_TYPE, [A]));
    expect(stream.node?.id).toBe('n1');
    expect(lds).toMatchObject({ type_url: LISTENER_TYPE, version_info: '2', nonce: expect.any(String) });
    expect(lds!.resources).toEqual([expect.objectContaining({ '@type': LISTENER_TYPE, name: A })]);
    expect(stream.handleRequest(request(LISTENER_TYPE, [A], lds!.nonce, '2'))).toEqual([]);
    expect(stream.ackedVersion(LISTENER_TYPE)).toBe('2');
  });

  it('answers an LDS subscription to a missing name with an empty response, but stays silent on EDS', () => {
    const { stream } = setup();
    expect(stream.handleRequest(request(LISTENER_TYPE, ['nope']))).toEqual([expect.objectContaining({ resources: [] })]);
    expect(stream.handleRequest(request(ENDPOINT_TYPE, ['nope']))).toEqual([]);
  });

  it('records a NACK without resending the rejected content, and ignores stale nonces', () => {
    const { cache, stream } = setup();
    const [first] = stream.handleRequest(request(CLUSTER_TYPE, [A]));
    cache.setService(svc('b'));
    const [second] = stream.handleSnapshot(cache.snapshot).filter((r) => r.type_url === CLUSTER_TYPE);
    expect(second).toBeUndefined(); // B is not subscribed and A did not change
    const [withB] = stream.handleRequest(request(CLUSTER_TYPE, [A, B], first!.nonce, '2'));
    expect(names(withB!)).toEqual([A, B]);
    expect(stream.handleRequest(request(CLUSTER_TYPE, [A, B], first!.nonce, '2', 'stale'))).toEqual([]);
    expect(stream.lastNack(CLUSTER_TYPE)).toBeUndefined();
    expect(stream.handleRequest(request(CLUSTER_TYPE, [A, B], withB!.nonce, '2', 'bad cluster'))).toEqual([]);
    expect(stream.lastNack(CLUSTER_TYPE)).toEqual({ version: withB!.version_info, message: 'bad cluster' });
    expect(stream.ackedVersion(CLUSTER_TYPE)).toBe('2');
  });

  it('pushes a config change with a new version, clusters before listeners, LDS/CDS complete', () => {
    const { cache, stream } = setup();
    cache.setService(svc('b'));
    stream.handleSnapshot(cache.snapshot);
    for (const [type, sub] of [[LISTENER_TYPE, [A, B]], [ROUTE_TYPE, [A]], [CLUSTER_TYPE, [A, B]], [ENDPOINT_TYPE, [A]]] as const) stream.handleRequest(request(type, [...sub]));
    cache.setEndpoints(eps('a', ['10.0.0.1', '10.0.0.2']));
    const pushed = stream.handleSnapshot(cache.snapshot);
    expect(pushed.map((r) => r.type_url)).toEqual([ENDPOINT_TYPE]);
    expect(JSON.stringify(pushed[0]!.resources)).toContain('10.0.0.2');
    expect(pushed[0]!.version_info).toBe(cache.snapshot.version);

    cache.deleteService(svc('b'));
    const removal = stream.handleSnapshot(cache.snapshot);
    expect(removal.map((r) => r.type_url)).toEqual([CLUSTER_TYPE, LISTENER_TYPE]);
    expect(removal.map(names)).toEqual([[A], [A]]);
  });

  it('serves every resource to a wildcard (empty-names) LDS subscription', () => {
    const { cache, stream } = setup();
    cache.setService(svc('b'));
    stream.handleSnapshot(cache.snapshot);
    expect(stream.handleRequest(request(LISTENER_TYPE, [])).map(names)).toEqual([[A, B]]);
  });
});
