/**
 * The xDS server against the real gRPC xDS client: @grpc/grpc-js-xds resolves `xds:///<listener>` through
 * Cairn's ADS server (fed by a real registry), balances calls round robin over the Endpoints' backends, and
 * stops using a backend once it leaves the Endpoints object.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Endpoints, EndpointSubset, Service } from '../../api/types/core.js';
import { startXdsServer, type XdsServer } from '../../control/xds-server/server.js';
import { LISTENER_TYPE } from '../../control/xds-server/protos.js';
import { startTestCluster, TEST_PREFIX, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';
import { startBackend, tally, xdsClient, type Backend, type WhoAmIClient } from '../harness/xds-lab.js';

const NS = 'default';
const SERVICE = `${TEST_PREFIX}whoami`.slice(0, 63).replace(/-$/, '');
const TARGET = `${SERVICE}.${NS}.svc.cluster.local:50051`;


const subset = (port: number): EndpointSubset => ({ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'grpc', port, protocol: 'TCP' }] });


describe('xDS server with the gRPC xDS client', () => {
  let cluster: TestCluster;
  let xds: XdsServer;
  let client: WhoAmIClient | undefined;
  const backends: Backend[] = [];
  const log: string[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    xds = await startXdsServer({ client: cluster.client, host: '127.0.0.1', port: 0, log: (l) => log.push(l) });
    for (const name of ['a', 'b', 'c']) backends.push(await startBackend(name));
    await cluster.client.resource<Service>('services').create({ metadata: { name: SERVICE, namespace: NS }, spec: { ports: [{ name: 'grpc', port: 50051, protocol: 'TCP' }] } });
    await cluster.client.resource<Endpoints>('endpoints').create({ metadata: { name: SERVICE, namespace: NS }, subsets: backends.map((b) => subset(b.port)) });
  });

  afterAll(async () => {
    client?.close();
    for (const b of backends) b.server.forceShutdown();
    await xds?.stop();
    await cluster?.stop();
  });

  it('routes calls round robin to every backend, and drops a backend removed from the Endpoints', async () => {
    client = xdsClient(TARGET, xds.port, `${TEST_PREFIX}client`);
    await waitFor('calls through xDS to reach all three backends', async () => (await tally(client!, 9).catch(() => undefined))?.size === 3, 20_000);
    // Round robin once every subchannel is ready: nine calls over three backends, three each.
    expect([...(await tally(client, 9)).entries()].sort()).toEqual([['a', 3], ['b', 3], ['c', 3]]);
    const stream = [...xds.streams][0]!;
    expect(stream.node?.id).toBe(`${TEST_PREFIX}client`);
    expect(stream.ackedVersion(LISTENER_TYPE)).toBeDefined();
    expect(log.filter((l) => l.includes('rejected'))).toEqual([]);

    const eps = cluster.client.resource<Endpoints>('endpoints');
    const current = await eps.get(SERVICE, NS);
    await eps.update({ ...current, subsets: backends.slice(0, 2).map((b) => subset(b.port)) });
    await waitFor('backend c to leave the rotation', async () => !(await tally(client!, 6)).has('c'), 10_000);
    expect([...(await tally(client, 10)).keys()].sort()).toEqual(['a', 'b']);
  });
});
