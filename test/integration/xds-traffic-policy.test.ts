/**
 * Traffic policy through the xDS server to the real gRPC xDS client (@grpc/grpc-js-xds), against a real registry:
 * a TrafficRoute splits calls between pod subsets (by the pods' `version` label) and its weights move traffic; a
 * path + header rule sends matching calls to another Service (whose LeastRequest DestinationPolicy gRPC balances
 * round robin); a fault rule aborts calls; an endpoint leaving the ready set gets no more calls.
 *
 * Backends are WhoAmI gRPC servers on loopback answering with their name; Endpoints point at them, each address
 * with a targetRef to a Pod object carrying the subset labels (the pods never run: only their labels matter).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import type { Endpoints, EndpointSubset, Pod, Service } from '../../api/types/core.js';
import type { DestinationPolicy, RouteRule, TrafficRoute } from '../../api/types/mesh.js';
import { startXdsServer, type XdsServer } from '../../control/xds-server/server.js';
import { startTestCluster, TEST_PREFIX, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';
import { startBackend, tally, who, xdsClient, type Backend, type WhoAmIClient } from '../harness/xds-lab.js';

const NS = 'default';
const WEB = `${TEST_PREFIX}web`.slice(0, 63).replace(/-$/, '');
const SPECIAL = `${TEST_PREFIX}special`.slice(0, 63).replace(/-$/, '');
const TARGET = `${WEB}.${NS}.svc.cluster.local:50051`;
const WHO = '/cairn.test.WhoAmI/Who';
/** Backend name → its pod's version label (the special backend belongs to the other Service). */
const VERSIONS: Record<string, string> = { 'v1-a': 'v1', 'v1-b': 'v1', v2: 'v2' };

const subset = (b: Backend, pod?: string): EndpointSubset => ({
  addresses: [{ ip: '127.0.0.1', ...(pod ? { targetRef: { kind: 'Pod', name: pod, namespace: NS } } : {}) }],
  ports: [{ name: 'grpc', port: b.port, protocol: 'TCP' }],
});
const podName = (backend: string): string => `${TEST_PREFIX}${backend}`;
const split = (v1: number, v2: number): RouteRule => ({
  backends: [{ service: WEB, subset: { labels: { version: 'v1' } }, weight: v1 }, { service: WEB, subset: { labels: { version: 'v2' } }, weight: v2 }],
});
const special: RouteRule = { match: { path: { exact: WHO }, headers: [{ name: 'x-route', exact: 'special' }] }, backends: [{ service: SPECIAL }] };
const aborted: RouteRule = { match: { headers: [{ name: 'x-fault', exact: 'abort' }] }, backends: [{ service: WEB }], fault: { abort: { httpStatus: 503, percent: 100 } } };
const unmatched: RouteRule = { match: { path: { prefix: '/other.Service/' } }, backends: [{ service: SPECIAL }] };

describe('traffic policy through xDS to the gRPC xDS client', () => {
  let cluster: TestCluster;
  let xds: XdsServer;
  let client: WhoAmIClient | undefined;
  const backends = new Map<string, Backend>();
  const log: string[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    xds = await startXdsServer({ client: cluster.client, host: '127.0.0.1', port: 0, log: (l) => log.push(l) });
    for (const name of [...Object.keys(VERSIONS), 'special']) backends.set(name, await startBackend(name));
    const pods = cluster.client.resource<Pod>('pods');
    for (const [name, version] of Object.entries(VERSIONS)) {
      await pods.create({ metadata: { name: podName(name), namespace: NS, labels: { app: WEB, version } }, spec: { containers: [{ name: 'app', image: 'whoami' }] } });
    }
    const services = cluster.client.resource<Service>('services');
    const eps = cluster.client.resource<Endpoints>('endpoints');
    for (const svc of [WEB, SPECIAL]) await services.create({ metadata: { name: svc, namespace: NS }, spec: { ports: [{ name: 'grpc', port: 50051, protocol: 'TCP' }] } });
    await eps.create({ metadata: { name: WEB, namespace: NS }, subsets: Object.keys(VERSIONS).map((n) => subset(backends.get(n)!, podName(n))) });
    await eps.create({ metadata: { name: SPECIAL, namespace: NS }, subsets: [subset(backends.get('special')!)] });
    // gRPC lacks least-request: the cluster's load_balancing_policy must fall back to round robin for it.
    await cluster.client.resource<DestinationPolicy>('destinationpolicies').create({ metadata: { name: SPECIAL, namespace: NS }, spec: { service: SPECIAL, loadBalancer: { policy: 'LeastRequest' } } });
    await cluster.client.resource<TrafficRoute>('trafficroutes').create({ metadata: { name: WEB, namespace: NS }, spec: { service: WEB, rules: [unmatched, special, aborted, split(100, 0)] } });
  });

  afterAll(async () => {
    client?.close();
    for (const b of backends.values()) b.server.forceShutdown();
    await xds?.stop();
    await cluster?.stop();
  });

  const setRules = async (rules: RouteRule[]): Promise<void> => {
    const routes = cluster.client.resource<TrafficRoute>('trafficroutes');
    const current = await routes.get(WEB, NS);
    await routes.update({ ...current, spec: { service: WEB, rules } });
  };

  it('sends every call to v1 at 100/0 and about a fifth to v2 at 80/20', async () => {
    client = xdsClient(TARGET, xds.port, `${TEST_PREFIX}client`);
    await waitFor('calls through xDS to reach both v1 pods', async () => (await tally(client!, 8).catch(() => undefined))?.size === 2, 20_000);
    const at100 = await tally(client, 60);
    expect([...at100.keys()].sort()).toEqual(['v1-a', 'v1-b']);

    await setRules([unmatched, special, aborted, split(80, 20)]);
    await waitFor('v2 to get calls after the 80/20 split', async () => (await tally(client!, 20)).has('v2'), 10_000);
    const calls = 300;
    const at80 = await tally(client, calls);
    const v2Share = (at80.get('v2') ?? 0) / calls;
    // Binomial(300, 0.2): standard deviation 2.3 points; 12-28 % is a ±3.5σ band.
    expect(v2Share).toBeGreaterThanOrEqual(0.12);
    expect(v2Share).toBeLessThanOrEqual(0.28);
    expect([...at80.keys()].sort()).toEqual(['v1-a', 'v1-b', 'v2']);
    expect(log.filter((l) => l.includes('rejected'))).toEqual([]);
  });

  it('routes calls matching the path and header rule to the other Service, and only those', async () => {
    const c = client!;
    expect([...(await tally(c, 10, { 'x-route': 'special' })).keys()]).toEqual(['special']);
    expect((await tally(c, 30, { 'x-route': 'ordinary' })).has('special')).toBe(false);
    expect((await tally(c, 30)).has('special')).toBe(false);
  });

  it('fails the calls a fault-injection rule aborts (HTTP 503 is gRPC UNAVAILABLE)', async () => {
    await expect(who(client!, { 'x-fault': 'abort' })).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(await who(client!)).toMatch(/^v/);
  });

  it('stops sending calls to an endpoint that leaves the ready addresses', async () => {
    const eps = cluster.client.resource<Endpoints>('endpoints');
    const current = await eps.get(WEB, NS);
    const [a, b, v2] = ['v1-a', 'v1-b', 'v2'].map((n) => subset(backends.get(n)!, podName(n)));
    const drained: EndpointSubset = { notReadyAddresses: b!.addresses, ports: b!.ports };
    await eps.update({ ...current, subsets: [a!, drained, v2!] });
    await waitFor('v1-b to leave the rotation', async () => !(await tally(client!, 20)).has('v1-b'), 10_000);
    const after = await tally(client!, 60);
    expect(after.has('v1-b')).toBe(false);
    expect([...after.keys()].sort()).toEqual(['v1-a', 'v2']);
  });
});
