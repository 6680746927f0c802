import { describe, expect, it } from '@jest/globals';
import type { Endpoints, Service } from '../../api/types/core.js';
import { AdsStream } from './ads-stream.js';
import { rejectedResources, type StreamEvent } from './stream-state.js';
import type { DiscoveryRequest } from './generated-types.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from './protos.js';
import { SnapshotCache, type Snapshot } from './snapshot-cache.js';

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
    expect(stream.lastNack(CLUSTER_TYPE)).toEqual({ version: withB!.version_info, message: 'bad cluster', at: expect.any(Number) });
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
    // The listener goes first, then the cluster it named.
    expect(removal.map((r) => r.type_url)).toEqual([LISTENER_TYPE, CLUSTER_TYPE]);
    expect(removal.map(names)).toEqual([[A], [A]]);
  });

  it('moves a route to a new cluster before removing the old one (make-before-break)', () => {
    const { resources } = setup().cache.snapshot;
    const snapshot = (version: string, cluster: string): Snapshot => ({
      version,
      resources: {
        ...resources,
        [CLUSTER_TYPE]: new Map([[cluster, { body: { name: cluster }, hash: cluster }]]),
        [ROUTE_TYPE]: new Map([['r', { body: { name: 'r', cluster }, hash: cluster }]]),
      },
    });
    const stream = new AdsStream(snapshot('1', 'x'));
    const [cds] = stream.handleRequest(request(CLUSTER_TYPE, []));
    const [rds] = stream.handleRequest(request(ROUTE_TYPE, ['r']));
    stream.handleRequest(request(CLUSTER_TYPE, [], cds!.nonce, '1'));
    stream.handleRequest(request(ROUTE_TYPE, ['r'], rds!.nonce, '1'));
    const pushed = stream.handleSnapshot(snapshot('2', 'y'));
    expect(pushed.map((r) => [r.type_url, names(r)])).toEqual([[CLUSTER_TYPE, ['y', 'x']], [ROUTE_TYPE, ['r']], [CLUSTER_TYPE, ['y']]]);
    // The client ACKs the last CDS response; the earlier one's nonce is stale by then.
    stream.handleRequest(request(CLUSTER_TYPE, [], pushed[0]!.nonce, '2'));
    expect(stream.ackedVersion(CLUSTER_TYPE)).toBe('1');
    stream.handleRequest(request(CLUSTER_TYPE, [], pushed[2]!.nonce, '2'));
    expect(stream.ackedVersion(CLUSTER_TYPE)).toBe('2');
    // A removal alone (no route change) needs no second step.
    expect(stream.handleSnapshot({ ...snapshot('3', 'y'), resources: { ...snapshot('3', 'y').resources, [CLUSTER_TYPE]: new Map() } }).map((r) => r.type_url)).toEqual([CLUSTER_TYPE]);
  });

  it('serves every resource to a wildcard (empty-names) LDS subscription', () => {
    const { cache, stream } = setup();
    cache.setService(svc('b'));
    stream.handleSnapshot(cache.snapshot);
    expect(stream.handleRequest(request(LISTENER_TYPE, [])).map(names)).toEqual([[A, B]]);
  });

  it('sends a resource again when the client unsubscribes and subscribes to it again', () => {
    const { cache, stream } = setup();
    cache.setService(svc('b'));
    stream.handleSnapshot(cache.snapshot);
    const [both] = stream.handleRequest(request(ENDPOINT_TYPE, [A, B]));
    expect(names(both!)).toEqual([A, B]);
    expect(stream.handleRequest(request(ENDPOINT_TYPE, [A], both!.nonce, both!.version_info))).toEqual([]);
    const [again] = stream.handleRequest(request(ENDPOINT_TYPE, [A, B], both!.nonce, both!.version_info));
    expect(names(again!)).toEqual([B]);
  });

  it('maps a NACK to the resources it names, never resends them unchanged, and sends their next version', () => {
    // Clusters by hand: the builders only write clusters a client accepts.
    const snapshot = (version: string, lbB: string, extra = false): Snapshot => {
      const { resources } = setup().cache.snapshot;
      const cds = new Map<string, { body: object; hash: string }>([[A, { body: { name: A, lb_policy: 'ROUND_ROBIN' }, hash: 'a' }], [B, { body: { name: B, lb_policy: lbB }, hash: lbB }]]);
      if (extra) cds.set('c', { body: { name: 'c' }, hash: 'c' });
      return { version, resources: { ...resources, [CLUSTER_TYPE]: cds } };
    };
    const events: StreamEvent[] = [];
    const stream = new AdsStream(snapshot('1', 'MAGLEV'), (e) => events.push(e));
    const [cds] = stream.handleRequest(request(CLUSTER_TYPE, [A, B]));
    const error = 'xDS response validation errors: [resource index 1: Cluster message validation failed: [unsupported lb_policy: MAGLEV]]';
    expect(stream.handleRequest(request(CLUSTER_TYPE, [A, B], cds!.nonce, '', error))).toEqual([]);
    expect(stream.status().get(CLUSTER_TYPE)!.rejected).toEqual(new Map([[B, 'Cluster message validation failed: [unsupported lb_policy: MAGLEV]']]));
    expect(stream.lastNack(CLUSTER_TYPE)).toMatchObject({ version: '1', message: error });
    expect(events.map((e) => e.kind)).toEqual(['push', 'nack']);
    // A new snapshot that leaves the subscribed clusters alone: the rejected cluster is not sent again.
    expect(stream.handleSnapshot(snapshot('2', 'MAGLEV', true))).toEqual([]);
    // The client repeats its NACK (same nonce): not a second rejection.
    expect(stream.handleRequest(request(CLUSTER_TYPE, [A, B], cds!.nonce, '', error))).toEqual([]);
    expect(events.filter((e) => e.kind === 'nack')).toHaveLength(1);
    // A fixed cluster goes out as a new version; its ACK clears the rejection.
    const [fixed] = stream.handleSnapshot(snapshot('3', 'ROUND_ROBIN'));
    expect(fixed).toMatchObject({ type_url: CLUSTER_TYPE, version_info: '3' });
    expect(names(fixed!)).toEqual([A, B]);
    stream.handleRequest(request(CLUSTER_TYPE, [A, B], fixed!.nonce, '3'));
    expect(stream.status().get(CLUSTER_TYPE)).toMatchObject({ rejected: new Map(), ackedVersion: '3', awaiting: [] });
    expect(stream.lastNack(CLUSTER_TYPE)).toBeUndefined();
    expect(events.at(-1)).toEqual({ kind: 'ack', type: CLUSTER_TYPE, version: '3', names: [A, B], trigger: 'snapshot' });
  });

  it('reports what a stream awaits and forgets rejections of resources that are gone', () => {
    const { cache, stream } = setup();
    cache.setService(svc('b'));
    stream.handleSnapshot(cache.snapshot);
    const [lds] = stream.handleRequest(request(LISTENER_TYPE, []));
    expect(stream.status().get(LISTENER_TYPE)).toMatchObject({ names: ['*'], awaiting: [A, B] });
    stream.handleRequest(request(LISTENER_TYPE, [], lds!.nonce, '', `listener ${B} is bad`));
    expect([...stream.status().get(LISTENER_TYPE)!.rejected.keys()]).toEqual([B]);
    expect(stream.subscribes(LISTENER_TYPE, B)).toBe(true);
    cache.deleteService(svc('b'));
    const [removal] = stream.handleSnapshot(cache.snapshot);
    expect(names(removal!)).toEqual([A]);
    expect(stream.status().get(LISTENER_TYPE)!.rejected.size).toBe(0);
  });
});

describe('rejectedResources', () => {
  it('reads gRPC\'s per-index errors, names in free text (Envoy), or else rejects the whole response', () => {
    const grpc = 'xDS response validation errors: [resource index 0: bad one; resource index 2: bad [two]]';
    expect(rejectedResources(grpc, ['x', 'y', 'z'])).toEqual(new Map([['x', 'bad one'], ['z', 'bad [two]']]));
    expect(rejectedResources('Error adding/updating cluster(s) y: no', ['x', 'y'])).toEqual(new Map([['y', 'Error adding/updating cluster(s) y: no']]));
    expect(rejectedResources('nope', ['x', 'y'])).toEqual(new Map([['x', 'nope'], ['y', 'nope']]));
  });

  it('blames only the resource named as a whole, not those whose names contain it', () => {
    const web = 'web.default.svc.cluster.local:80';
    const names = [web, `my${web}`, 'web.default.svc.cluster.local:8080', `${web}|version=v2`, `inbound|${web}`];
    for (const other of names.slice(1)) {
      expect([...rejectedResources(`Cluster ${other} (index 1): bad lb_policy`, names).keys()]).toEqual([other]);
    }
    expect([...rejectedResources(`Cluster ${web}: bad lb_policy`, names).keys()]).toEqual([web]);
  });
});
