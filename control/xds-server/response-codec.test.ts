import { describe, expect, it } from '@jest/globals';
import type { Endpoints, Service } from '../../api/types/core.js';
import { AdsStream } from './ads-stream.js';
import { DeltaStream, type DeltaDiscoveryRequest } from './delta-stream.js';
import type { DiscoveryRequest } from './generated-types.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, aggregatedDiscoveryService } from './protos.js';
import { adsServerDefinition, decodeDiscoveryRequest, encodeAny } from './response-codec.js';
import { SnapshotCache } from './snapshot-cache.js';

const svc = (name: string): Service => ({ metadata: { name, namespace: 'ns' }, spec: { ports: [{ port: 80 }] } });
const eps = (name: string, ips: string[]): Endpoints => ({ metadata: { name, namespace: 'ns' }, subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ port: 8080 }] }] });

function cache(): SnapshotCache {
  const c = new SnapshotCache('cluster.local');
  for (const n of ['a', 'b']) {
    c.setService(svc(n));
    c.setEndpoints(eps(n, ['10.0.0.1', '10.0.0.2']));
  }
  return c;
}

const deltaOpen: DeltaDiscoveryRequest = {
  type_url: ENDPOINT_TYPE, resource_names_subscribe: [], resource_names_unsubscribe: [], initial_resource_versions: {}, response_nonce: '',
  node: null, error_detail: null, resource_locators_subscribe: [], resource_locators_unsubscribe: [],
};
const request = (type_url: string): DiscoveryRequest => ({ type_url, resource_names: [], response_nonce: '', version_info: '', resource_locators: [], node: { id: 'n1' } as DiscoveryRequest['node'], error_detail: null });

describe('response codec', () => {
  it('writes the same bytes as grpc-js would serialize, for SotW and Delta responses', () => {
    const generated = aggregatedDiscoveryService();
    const ours = adsServerDefinition();
    const c = cache();
    for (const type of [LISTENER_TYPE, CLUSTER_TYPE]) {
      const [res] = new AdsStream(c.snapshot).handleRequest(request(type));
      expect(res!.resources).toHaveLength(2);
      expect(ours.StreamAggregatedResources!.responseSerialize(res)).toEqual(generated.StreamAggregatedResources!.responseSerialize(res));
    }
    const delta = new DeltaStream(c.snapshot);
    delta.handleRequest(deltaOpen);
    c.deleteService(svc('b'));
    const [removal] = delta.handleSnapshot(c.snapshot);
    expect(removal!.removed_resources).toHaveLength(1);
    const [full] = new DeltaStream(c.snapshot).handleRequest(deltaOpen);
    for (const res of [removal, full]) expect(ours.DeltaAggregatedResources!.responseSerialize(res)).toEqual(generated.DeltaAggregatedResources!.responseSerialize(res));
  });

  it('encodes a resource version once, whichever stream sends it', () => {
    const c = cache();
    const [first] = new AdsStream(c.snapshot).handleRequest(request(CLUSTER_TYPE));
    const [second] = new AdsStream(c.snapshot).handleRequest(request(CLUSTER_TYPE));
    expect(second!.resources[0]).toBe(first!.resources[0]);
    expect(encodeAny(second!.resources[0]!)).toBe(encodeAny(first!.resources[0]!));
    c.setEndpoints(eps('a', ['10.0.0.3']));
    const [third] = new AdsStream(c.snapshot).handleRequest(request(CLUSTER_TYPE));
    expect(third!.resources[0]).toBe(first!.resources[0]); // clusters did not change with the endpoints
  });

  it('reads a DiscoveryRequest as the generated deserializer does, leaving nodes and errors to it', () => {
    const method = aggregatedDiscoveryService().StreamAggregatedResources!;
    const requests: DiscoveryRequest[] = [
      { ...request(CLUSTER_TYPE), node: null, resource_names: ['a', 'é:80'], version_info: '3', response_nonce: '7' },
      { ...request(ENDPOINT_TYPE), node: null },
      request(LISTENER_TYPE),
      { ...request(CLUSTER_TYPE), node: null, response_nonce: '2', error_detail: { code: 3, message: 'bad', details: [] } },
    ];
    let fallbacks = 0;
    for (const req of requests) {
      const bytes = method.requestSerialize(req);
      expect(decodeDiscoveryRequest(bytes, (b) => { fallbacks++; return method.requestDeserialize(b); })).toEqual(method.requestDeserialize(bytes));
    }
    expect(fallbacks).toBe(2);
  });
});
