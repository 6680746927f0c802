/**
 * NACKs, policy status, metrics and restarts, against a real registry and the real gRPC xDS client.
 *
 * The rejection is one a user can cause: an Endpoints object listing the same address and port twice (in two
 * subsets; the API accepts it) becomes a ClusterLoadAssignment with a duplicate address, which
 * @grpc/grpc-js-xds rejects. The TrafficRoute of that Service must then show `Accepted: False / Rejected` with
 * the client's error and node, the server must not resend the rejected version (pushes counted on /metrics),
 * and the client must keep working on its last good config. A restarted xds-server serves full state again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Endpoints, EndpointSubset, Service } from '../../api/types/core.js';
import type { TrafficRoute } from '../../api/types/mesh.js';
import type { ProxyInfo } from '../../control/xds-server/proxy-registry.js';
import { startXdsServer, type XdsServer } from '../../control/xds-server/server.js';
import { startTestCluster, TEST_PREFIX, type TestCluster } from '../harness/cluster.js';
import { freePort } from '../harness/ports.js';
import { waitFor } from '../harness/wait.js';
import { startBackend, who, xdsClient, type Backend, type WhoAmIClient } from '../harness/xds-lab.js';

const NS = 'default';
const SERVICE = `${TEST_PREFIX}status`.slice(0, 63).replace(/-$/, '');
const TARGET = `${SERVICE}.${NS}.svc.cluster.local:50051`;
const NODE = `${TEST_PREFIX}proxy`;


const subset = (port: number): EndpointSubset => ({ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'grpc', port, protocol: 'TCP' }] });

/** The value of one sample on /metrics, 0 when absent. */
async function metric(xds: XdsServer, sample: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${xds.metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

async function proxies(xds: XdsServer): Promise<ProxyInfo[]> {
  return (await fetch(`http://127.0.0.1:${xds.metricsPort}/debug/xds/proxies`)).json() as Promise<ProxyInfo[]>;
}

describe('xDS NACKs, policy status and restarts with the gRPC xDS client', () => {
  let cluster: TestCluster;
  let xds: XdsServer;
  let xdsPort: number;
  let client: WhoAmIClient | undefined;
  const backends: Backend[] = [];
  const routes = (): ReturnType<TestCluster['client']['resource']> => cluster.client.resource<TrafficRoute>('trafficroutes');
  const start = (): Promise<XdsServer> => startXdsServer({ client: cluster.client, host: '127.0.0.1', port: xdsPort, metricsPort: 0, status: { debounceMs: 100, startupGraceMs: 1_000 } });
  const accepted = async (): Promise<TrafficRoute['status']> => ((await routes().get(SERVICE, NS)) as TrafficRoute).status;

  beforeAll(async () => {
    cluster = await startTestCluster();
    xdsPort = await freePort();
    xds = await start();
    for (const name of ['a', 'b']) backends.push(await startBackend(name));
    await cluster.client.resource<Service>('services').create({ metadata: { name: SERVICE, namespace: NS }, spec: { ports: [{ name: 'grpc', port: 50051, protocol: 'TCP' }] } });
    await cluster.client.resource<Endpoints>('endpoints').create({ metadata: { name: SERVICE, namespace: NS }, subsets: [subset(backends[0]!.port)] });
    await routes().create({ apiVersion: 'mesh.cairn.dev/v1alpha1', kind: 'TrafficRoute', metadata: { name: SERVICE, namespace: NS }, spec: { service: SERVICE, rules: [{ backends: [{ service: SERVICE }] }] } } as TrafficRoute);
  });

  afterAll(async () => {
    client?.close();
    for (const b of backends) b.server.forceShutdown();
    await xds?.stop();
    await cluster?.stop();
  });

  it('reports a NACK on the policy, does not resend the rejected version, and recovers after a restart', async () => {
    client = xdsClient(TARGET, xdsPort, NODE);
    await waitFor('a call through xDS to reach backend a', async () => (await who(client!).catch(() => undefined)) === 'a', 20_000);
    await waitFor('the TrafficRoute to be Accepted', async () => (await accepted())?.conditions?.find((c) => c.type === 'Accepted')?.status === 'True');
    expect(await metric(xds, 'cairn_xds_connected_proxies')).toBe(1);
    expect(await metric(xds, 'cairn_xds_nacks_total{type="eds"}')).toBe(0);

    // The same address twice: the client rejects the ClusterLoadAssignment.
    const eps = cluster.client.resource<Endpoints>('endpoints');
    await eps.update({ ...(await eps.get(SERVICE, NS)), subsets: [subset(backends[0]!.port), subset(backends[0]!.port)] });
    const status = await waitFor('the TrafficRoute to show the rejection', async () => {
      const s = await accepted();
      return s?.conditions?.find((c) => c.type === 'Accepted')?.status === 'False' && s;
    });
    expect(status.conditions).toEqual([expect.objectContaining({ type: 'Accepted', status: 'False', reason: 'Rejected', message: expect.stringContaining('duplicate') })]);
    expect(status.rejectedBy).toEqual([{ node: NODE, message: expect.stringContaining('address is a duplicate'), lastTransitionTime: expect.any(String) }]);
    const [proxy] = await proxies(xds);
    expect(proxy).toMatchObject({ node: NODE, types: { eds: { lastNack: { message: expect.stringContaining('duplicate') } } } });
    expect(proxy!.types.eds!.lastAckedVersion).not.toBe(proxy!.types.eds!.lastNack!.version);

    // No resend loop: the rejected version went out once and nothing follows it while the config stands still.
    // Nor is the status rewritten: the object's resourceVersion stands still too.
    const pushes = await metric(xds, 'cairn_xds_pushes_total{type="eds"}');
    const written = (await routes().get(SERVICE, NS)).metadata.resourceVersion;
    await sleep(2_000);
    expect(await metric(xds, 'cairn_xds_pushes_total{type="eds"}')).toBe(pushes);
    expect((await routes().get(SERVICE, NS)).metadata.resourceVersion).toBe(written);
    expect(await metric(xds, 'cairn_xds_nacks_total{type="eds"}')).toBe(1);
    expect(await who(client)).toBe('a'); // the client keeps its last good endpoints

    // The fix goes out as a new version, is ACKed, and the policy is Accepted again.
    await eps.update({ ...(await eps.get(SERVICE, NS)), subsets: [subset(backends[0]!.port)] });
    await waitFor('the TrafficRoute to be Accepted again', async () => {
      const s = await accepted();
      return s?.conditions?.find((c) => c.type === 'Accepted')?.status === 'True' && s.rejectedBy === undefined;
    });
    expect(await metric(xds, 'cairn_xds_convergence_seconds_count{type="eds"}')).toBeGreaterThanOrEqual(1);

    // Restart: the new server knows nothing of the client; the client reconnects and gets full state.
    await xds.stop();
    xds = await start();
    await waitFor('the proxy to ACK every type from the new server', async () => {
      const [p] = await proxies(xds);
      return p && ['lds', 'rds', 'cds', 'eds'].every((t) => p.types[t]?.lastAckedVersion) && p;
    }, 30_000);
    await eps.update({ ...(await eps.get(SERVICE, NS)), subsets: [subset(backends[1]!.port)] });
    await waitFor('calls to follow the new server\'s endpoints to backend b', async () => (await who(client!).catch(() => undefined)) === 'b', 20_000);
  });
});
