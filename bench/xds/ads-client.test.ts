import { describe, expect, it } from '@jest/globals';
import type { Endpoints, Service } from '../../api/types/core.js';
import { AdsStream } from '../../control/xds-server/ads-stream.js';
import { ENDPOINT_TYPE, aggregatedDiscoveryService } from '../../control/xds-server/protos.js';
import { resourceName } from '../../control/xds-server/naming.js';
import { SnapshotCache } from '../../control/xds-server/snapshot-cache.js';
import { AdsClient, type DiscoveryRequest } from './ads-client.js';

const svc = (name: string, ports = [80]): Service => ({ metadata: { name, namespace: 'ns' }, spec: { ports: ports.map((port) => ({ name: `p${port}`, port })) } });
const eps = (name: string, ips: string[]): Endpoints => ({ metadata: { name, namespace: 'ns' }, subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: 'p80', port: 8080 }] }] });

/** The server's protocol and the client joined through real protobuf encoding, until neither has more to say. */
function wire(cache: SnapshotCache): { client: AdsClient; requests: DiscoveryRequest[] } {
  const method = aggregatedDiscoveryService().StreamAggregatedResources!;
  const server = new AdsStream(cache.snapshot);
  const client = new AdsClient({ id: 'n1', cluster: 'c' });
  const requests: DiscoveryRequest[] = [];
  const pump = (reqs: DiscoveryRequest[]): void => {
    for (const req of reqs) {
      requests.push(req);
      for (const res of server.handleRequest(method.requestDeserialize(method.requestSerialize(req)))) {
        pump(client.handleResponse(method.responseDeserialize(method.responseSerialize(res))));
      }
    }
  };
  cache.on('change', (s) => {
    for (const res of server.handleSnapshot(s)) pump(client.handleResponse(method.responseDeserialize(method.responseSerialize(res))));
  });
  pump(client.start());
  return { client, requests };
}

describe('the benchmark ADS client', () => {
  it('walks LDS → RDS → CDS → EDS to full state, ACKing every response, and sees changes arrive', () => {
    const cache = new SnapshotCache('cluster.local');
    cache.setService(svc('a'));
    cache.setEndpoints(eps('a', ['10.0.0.1']));
    cache.setService(svc('b'));
    const { client, requests } = wire(cache);
    expect(client.complete()).toBe(true);
    expect(Object.values(client.counts())).toEqual([2, 2, 2, 2]);
    expect(requests.filter((r) => r.node).length).toBe(1);
    expect(requests.slice(1).every((r) => r.response_nonce !== '' || (r.resource_names?.length ?? 0) > 0)).toBe(true);

    const newIp = { typeUrl: ENDPOINT_TYPE, name: resourceName('a', 'ns', 80, 'cluster.local'), marker: '"10.0.0.9"' };
    expect(client.reached(newIp)).toBe(false);
    cache.setEndpoints(eps('a', ['10.0.0.1', '10.0.0.9']));
    expect(client.reached(newIp)).toBe(true);

    const newPort = { typeUrl: ENDPOINT_TYPE, name: resourceName('b', 'ns', 81, 'cluster.local'), marker: '' };
    cache.setService(svc('b', [80, 81]));
    expect(client.reached(newPort)).toBe(true);
    expect(Object.values(client.counts())).toEqual([3, 3, 3, 3]);

    cache.deleteService(svc('a'));
    expect(Object.values(client.counts())).toEqual([2, 2, 2, 2]);
    expect(client.complete()).toBe(true);
  });
});
