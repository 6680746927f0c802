/**
 * The ADS client against a scripted ADS server (real gRPC on loopback): subscriptions follow the applied
 * listeners and clusters, good responses are ACKed and applied, a bad one is NACKed naming the resource while the
 * previous config stays, and a lost stream is re-opened.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import type { DiscoveryRequest, DiscoveryResponse } from '../../control/xds-server/generated-types.js';
import { aggregatedDiscoveryService, CLUSTER_TYPE, ENDPOINT_TYPE, HTTP_CONNECTION_MANAGER_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../control/xds-server/protos.js';
import { waitFor } from '../../test/harness/wait.js';
import type { ProxyConfig } from './config-model.js';
import { XdsClient } from './xds-client.js';

type Call = ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>;

async function scriptedServer(): Promise<{ port: number; calls: Call[]; requests: DiscoveryRequest[]; server: Server }> {
  const calls: Call[] = [];
  const requests: DiscoveryRequest[] = [];
  const server = new Server();
  server.addService(aggregatedDiscoveryService(), {
    StreamAggregatedResources(call: Call) {
      calls.push(call);
      call.on('data', (r: DiscoveryRequest) => requests.push(r));
      call.on('error', () => {});
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { port, calls, requests, server };
}

let nonce = 0;
const response = (type: string, version: string, resources: object[]): DiscoveryResponse => ({
  type_url: type, version_info: version, nonce: String(++nonce), resources: resources.map((r) => ({ '@type': type, ...r })),
});
const listener = { name: 'web:80', api_listener: { api_listener: { '@type': HTTP_CONNECTION_MANAGER_TYPE, rds: { route_config_name: 'web:80', config_source: { ads: {} } } } } };
const routes = (regex: string) => ({
  name: 'web:80',
  virtual_hosts: [{ name: 'web', domains: ['web'], routes: [{ name: 'r', match: { safe_regex: { regex } }, route: { cluster: 'web:80' } }] }],
});
const cluster = { name: 'web:80', type: 'EDS', eds_cluster_config: { service_name: 'web:80', eds_config: { ads: {} } }, lb_policy: 'ROUND_ROBIN' };

describe('xDS client', () => {
  let stopAll: Array<() => void> = [];
  afterEach(() => {
    for (const s of stopAll) s();
    stopAll = [];
  });

  it('subscribes by what it applied, ACKs good responses, NACKs a bad one keeping the config, and reconnects', async () => {
    const ads = await scriptedServer();
    let config: ProxyConfig | undefined;
    const outcomes: string[] = [];
    const client = new XdsClient({
      server: `127.0.0.1:${ads.port}`, nodeId: 'ns/pod-1', backoff: { initialMs: 20, maxMs: 100 },
      onConfig: (c) => { config = c; }, onResponse: (type, outcome) => outcomes.push(`${type.split('.').pop()} ${outcome}`),
    });
    stopAll.push(() => client.stop(), () => ads.server.forceShutdown());
    client.start();
    await waitFor('LDS and CDS wildcard requests', () => ads.requests.length >= 2);
    expect(ads.requests.slice(0, 2).map((r) => [r.type_url, r.resource_names, r.response_nonce])).toEqual([[LISTENER_TYPE, [], ''], [CLUSTER_TYPE, [], '']]);
    expect(ads.requests[0]!.node?.id).toBe('ns/pod-1');
    expect(ads.requests[1]!.node).toBeNull();

    const call = ads.calls[0]!;
    const lds = response(LISTENER_TYPE, 'v1', [listener]);
    call.write(lds);
    const rdsSubscribe = await waitFor('an RDS subscription for the listener\'s routes', () => ads.requests.find((r) => r.type_url === ROUTE_TYPE));
    expect(rdsSubscribe.resource_names).toEqual(['web:80']);
    const ldsAck = ads.requests.find((r) => r.type_url === LISTENER_TYPE && r.response_nonce === lds.nonce)!;
    expect([ldsAck.version_info, ldsAck.error_detail]).toEqual(['v1', null]);

    call.write(response(CLUSTER_TYPE, 'v1', [cluster]));
    const edsSubscribe = await waitFor('an EDS subscription for the cluster', () => ads.requests.find((r) => r.type_url === ENDPOINT_TYPE));
    expect(edsSubscribe.resource_names).toEqual(['web:80']);
    call.write(response(ENDPOINT_TYPE, 'v1', [{ cluster_name: 'web:80', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 8080 } } } }] }] }]));
    const good = response(ROUTE_TYPE, 'v1', [routes('/api/.*')]);
    call.write(good);
    await waitFor('the routes ACKed', () => ads.requests.find((r) => r.response_nonce === good.nonce));
    expect(config?.endpoints.get('web:80')).toEqual([{ host: '127.0.0.1', port: 8080 }]);
    expect(config?.routes.get('web:80')?.virtualHosts[0]?.routes[0]?.path.value).toBe('/api/.*');

    const bad = response(ROUTE_TYPE, 'v2', [routes('/api/(')]);
    call.write(bad);
    const nack = await waitFor('the bad routes NACKed', () => ads.requests.find((r) => r.response_nonce === bad.nonce));
    expect(nack.version_info).toBe('v1');
    expect(nack.error_detail?.message).toMatch(/resource index 0: RouteConfiguration web:80: virtual_hosts\[0\]\.routes\[0\]\.match\.safe_regex\.regex "\/api\/\(" is not a valid regular expression/);
    expect(config?.routes.get('web:80')?.virtualHosts[0]?.routes[0]?.path.value).toBe('/api/.*');
    expect(config?.versions[ROUTE_TYPE]).toBe('v1');
    expect(outcomes).toEqual(['Listener ack', 'Cluster ack', 'ClusterLoadAssignment ack', 'RouteConfiguration ack', 'RouteConfiguration nack']);

    const before = ads.requests.length;
    call.end();
    await waitFor('a new stream re-subscribing', () => ads.calls.length === 2 && ads.requests.length >= before + 4);
    const again = ads.requests.slice(before);
    expect(again.map((r) => [r.type_url, r.resource_names, r.version_info, r.response_nonce]).sort()).toEqual([
      [CLUSTER_TYPE, [], 'v1', ''], [ENDPOINT_TYPE, ['web:80'], 'v1', ''], [LISTENER_TYPE, [], 'v1', ''], [ROUTE_TYPE, ['web:80'], 'v1', ''],
    ].sort());
    expect(again[0]!.node?.id).toBe('ns/pod-1');
  });

  it('applies the good listeners of a response and NACKs each bad one by index and name', async () => {
    const ads = await scriptedServer();
    const client = new XdsClient({ server: `127.0.0.1:${ads.port}`, nodeId: 'n', onConfig: () => {} });
    stopAll.push(() => client.stop(), () => ads.server.forceShutdown());
    client.start();
    await waitFor('the stream', () => ads.calls.length === 1 && ads.requests.length >= 2);
    const inline = { name: 'other:80', api_listener: { api_listener: { '@type': HTTP_CONNECTION_MANAGER_TYPE, route_config: { name: 'x' } } } };
    const lds = response(LISTENER_TYPE, 'v1', [inline, listener, { ...inline, name: 'third:80' }]);
    ads.calls[0]!.write(lds);
    const nack = await waitFor('the NACK', () => ads.requests.find((r) => r.response_nonce === lds.nonce));
    const reason = 'api_listener: the HttpConnectionManager must name its routes with rds.route_config_name';
    expect(nack.error_detail?.message).toBe(`xDS response validation errors: [resource index 0: Listener other:80: ${reason}; resource index 2: Listener third:80: ${reason}]`);
    expect(nack.version_info).toBe('');
    expect([...client.current.listeners.keys()]).toEqual(['web:80']);
  });

  it('holds a route table naming a cluster without endpoints yet until EDS brings them (cluster warming)', async () => {
    const ads = await scriptedServer();
    const client = new XdsClient({ server: `127.0.0.1:${ads.port}`, nodeId: 'n', onConfig: () => {} });
    stopAll.push(() => client.stop(), () => ads.server.forceShutdown());
    client.start();
    await waitFor('the stream', () => ads.calls.length === 1 && ads.requests.length >= 2);
    const call = ads.calls[0]!;
    const send = (r: DiscoveryResponse): Promise<DiscoveryRequest> => {
      call.write(r);
      return waitFor(`${(r.type_url ?? '').split('.').pop()} ${r.version_info} ACKed`, () => ads.requests.find((q) => q.response_nonce === r.nonce));
    };
    const eds = (name: string) => ({ cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 8080 } } } }] }] });
    const canary = { ...cluster, name: 'canary:80', eds_cluster_config: { ...cluster.eds_cluster_config, service_name: 'canary:80' } };
    const split = {
      name: 'web:80',
      virtual_hosts: [{ name: 'web', domains: ['web'], routes: [{ name: 'r', match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: 'web:80', weight: { value: 90 } }, { name: 'canary:80', weight: { value: 10 } }] } } }] }],
    };
    await send(response(LISTENER_TYPE, 'v1', [listener]));
    await send(response(CLUSTER_TYPE, 'v1', [cluster]));
    await send(response(ENDPOINT_TYPE, 'v1', [eds('web:80')]));
    await send(response(ROUTE_TYPE, 'v1', [routes('/.*')]));
    const clustersOfRoute = (): string[] => client.current.routes.get('web:80')!.virtualHosts[0]!.routes[0]!.clusters.map((c) => c.name);
    expect(clustersOfRoute()).toEqual(['web:80']);

    await send(response(CLUSTER_TYPE, 'v2', [cluster, canary]));
    await send(response(ROUTE_TYPE, 'v2', [split]));
    expect(clustersOfRoute()).toEqual(['web:80']);
    await send(response(ENDPOINT_TYPE, 'v2', [eds('web:80'), eds('canary:80')]));
    expect(clustersOfRoute()).toEqual(['web:80', 'canary:80']);
    expect(client.current.versions[ROUTE_TYPE]).toBe('v2');
  });
});
