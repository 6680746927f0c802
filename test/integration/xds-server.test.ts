/**
 * The xDS server against the real gRPC xDS client: @grpc/grpc-js-xds resolves `xds:///<listener>` through
 * Cairn's ADS server (fed by a real registry), balances calls round robin over the Endpoints' backends, and
 * stops using a backend once it leaves the Endpoints object.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, Server, ServerCredentials, type Client, type ServiceError, type ChannelOptions } from '@grpc/grpc-js';
import { register as registerXds } from '@grpc/grpc-js-xds';
import { loadSync } from '@grpc/proto-loader';
import type { Endpoints, EndpointSubset, Service } from '../../api/types/core.js';
import { startXdsServer, type XdsServer } from '../../control/xds-server/server.js';
import { LISTENER_TYPE } from '../../control/xds-server/protos.js';
import { startTestCluster, TEST_PREFIX, type TestCluster } from '../harness/cluster.js';
import { freePort } from '../harness/ports.js';
import { waitFor } from '../harness/wait.js';

const PROTO = fileURLToPath(new URL('../../../test/lab/whoami.proto', import.meta.url));
const NS = 'default';
const SERVICE = `${TEST_PREFIX}whoami`.slice(0, 63).replace(/-$/, '');
const TARGET = `${SERVICE}.${NS}.svc.cluster.local:50051`;

interface WhoAmIClient extends Client {
  Who(req: object, cb: (err: ServiceError | null, reply?: { name: string }) => void): void;
}
type WhoAmICtor = new (target: string, creds: ReturnType<typeof credentials.createInsecure>, options?: ChannelOptions) => WhoAmIClient;
// loadPackageDefinition returns loose nested namespaces; the path is fixed by whoami.proto.
const whoami = (loadPackageDefinition(loadSync(PROTO)) as unknown as { cairn: { test: { WhoAmI: WhoAmICtor & { service: never } } } }).cairn.test.WhoAmI;

async function startBackend(name: string): Promise<{ server: Server; port: number }> {
  const server = new Server();
  server.addService(whoami.service, { Who: (_call: unknown, cb: (err: null, reply: { name: string }) => void) => cb(null, { name }) });
  const address = `127.0.0.1:${await freePort()}`;
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { server, port };
}

const subset = (port: number): EndpointSubset => ({ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'grpc', port, protocol: 'TCP' }] });

function call(client: WhoAmIClient): Promise<string> {
  return new Promise((resolve, reject) => client.Who({}, (err, reply) => (err ? reject(err) : resolve(reply!.name))));
}

async function names(client: WhoAmIClient, calls: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < calls; i++) {
    const name = await call(client);
    seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  return seen;
}

describe('xDS server with the gRPC xDS client', () => {
  let cluster: TestCluster;
  let xds: XdsServer;
  let client: WhoAmIClient | undefined;
  const backends: { server: Server; port: number }[] = [];
  const log: string[] = [];

  beforeAll(async () => {
    registerXds();
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
    const bootstrap = {
      xds_servers: [{ server_uri: `127.0.0.1:${xds.port}`, channel_creds: [{ type: 'insecure' }], server_features: [] }],
      node: { id: `${TEST_PREFIX}client`, locality: {} },
    };
    client = new whoami(`xds:///${TARGET}`, credentials.createInsecure(), { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap) });
    await waitFor('calls through xDS to reach all three backends', async () => (await names(client!, 9).catch(() => undefined))?.size === 3, 20_000);
    // Round robin once every subchannel is ready: nine calls over three backends, three each.
    expect([...(await names(client, 9)).entries()].sort()).toEqual([['a', 3], ['b', 3], ['c', 3]]);
    const stream = [...xds.streams][0]!;
    expect(stream.node?.id).toBe(`${TEST_PREFIX}client`);
    expect(stream.ackedVersion(LISTENER_TYPE)).toBeDefined();
    expect(log.filter((l) => l.includes('rejected'))).toEqual([]);

    const eps = cluster.client.resource<Endpoints>('endpoints');
    const current = await eps.get(SERVICE, NS);
    await eps.update({ ...current, subsets: backends.slice(0, 2).map((b) => subset(b.port)) });
    await waitFor('backend c to leave the rotation', async () => !(await names(client!, 6)).has('c'), 10_000);
    expect([...(await names(client, 10)).keys()].sort()).toEqual(['a', 'b']);
  });
});
