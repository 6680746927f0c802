import { describe, expect, it } from '@jest/globals';
import type { Service } from '../../api/types/core.js';
import { AdsStream } from './ads-stream.js';
import type { DiscoveryRequest } from './generated-types.js';
import { CLUSTER_TYPE, LISTENER_TYPE } from './protos.js';
import { ProxyRegistry } from './proxy-registry.js';
import { SnapshotCache } from './snapshot-cache.js';

const A = 'a.ns.svc.cluster.local:80';
const B = 'b.ns.svc.cluster.local:80';
const svc = (name: string): Service => ({ metadata: { name, namespace: 'ns' }, spec: { ports: [{ port: 80 }] } });

function request(type_url: string, response_nonce = '', node?: string, error?: string): DiscoveryRequest {
  return {
    type_url, resource_names: [A, B], response_nonce, version_info: response_nonce && !error ? '2' : '', resource_locators: [],
    node: node ? { id: node, cluster: 'c', metadata: { fields: {} } } as unknown as DiscoveryRequest['node'] : null,
    error_detail: error ? { code: 14, message: error, details: [] } : null,
  };
}

describe('ProxyRegistry', () => {
  it('lists connected nodes with their versions and NACKs, and gives each Service the nodes rejecting it', () => {
    const cache = new SnapshotCache('cluster.local');
    cache.setService(svc('a'));
    cache.setService(svc('b'));
    const registry = new ProxyRegistry();
    let changes = 0;
    registry.on('change', () => changes++);
    const [n1, n2, silent] = [new AdsStream(cache.snapshot, undefined, () => 1_000), new AdsStream(cache.snapshot, undefined, () => 2_000), new AdsStream(cache.snapshot)];
    for (const s of [n1, n2, silent]) registry.add(s, 0);
    const [c1] = n1.handleRequest(request(CLUSTER_TYPE, '', 'n1'));
    const [c2] = n2.handleRequest(request(CLUSTER_TYPE, '', 'n2'));
    n2.handleRequest(request(LISTENER_TYPE));
    expect(registry.size).toBe(2);
    // Everything sent, nothing answered: both Services pending, none rejected.
    expect(registry.verdicts()).toEqual(new Map([['ns/a', { rejectedBy: [], pending: true }], ['ns/b', { rejectedBy: [], pending: true }]]));

    n1.handleRequest(request(CLUSTER_TYPE, c1!.nonce));
    n2.handleRequest(request(CLUSTER_TYPE, c2!.nonce, undefined, 'xDS response validation errors: [resource index 1: nope]'));
    const verdicts = registry.verdicts();
    expect(verdicts.get('ns/b')).toEqual({ rejectedBy: [{ node: 'n2', message: 'nope', since: 2_000 }], pending: true });
    const [p1, p2] = registry.list();
    expect(p1).toMatchObject({ node: 'n1', cluster: 'c', connectedSince: new Date(0).toISOString(), types: { cds: { lastAckedVersion: '2', lastNack: null, subscribed: [A, B] } } });
    expect(p2!.types.cds).toMatchObject({ lastAckedVersion: null, lastNack: { version: '2', time: new Date(2_000).toISOString() }, rejected: { [B]: 'nope' } });
    expect(p2!.types.lds).toMatchObject({ lastSentVersion: '2', lastAckedVersion: null });

    registry.remove(n2);
    expect(registry.verdicts().get('ns/b')).toBeUndefined();
    expect(changes).toBe(4);
  });
});
