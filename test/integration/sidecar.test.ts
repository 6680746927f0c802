/**
 * The sidecar end to end on loopback: a real registry, the real xDS server, the sidecar (its ADS client and
 * outbound proxy) and plain HTTP backends on 127.0.0.1 registered as Endpoints of Services (each address with a
 * targetRef to a Pod object carrying the subset labels; the pods never run, only their labels matter).
 *
 * Requests go to the sidecar's outbound port with the Service's name (or cluster IP) as Host, as an app's would once its traffic
 * is redirected: they reach the backends, a TrafficRoute splits them 90/10 between subsets, a retry hides an
 * endpoint answering 503, route header edits apply, and the admin endpoint's stats count every request.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Endpoints, EndpointSubset, Pod, Service } from '../../api/types/core.js';
import type { RouteRule, TrafficRoute } from '../../api/types/mesh.js';
import { ROUTE_TYPE } from '../../control/xds-server/protos.js';
import { startXdsServer, type XdsServer } from '../../control/xds-server/server.js';
import type { RouteTable } from '../../dataplane/sidecar/config-model.js';
import { startSidecar, type Sidecar } from '../../dataplane/sidecar/sidecar.js';
import { startTestCluster, TEST_PREFIX, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

const NS = 'default';
const name = (base: string): string => `${TEST_PREFIX}${base}`.slice(0, 63).replace(/-$/, '');
const WEB = name('web');
const FLAKY = name('flaky');
const PORT = 80;
const host = (svc: string): string => `${svc}.${NS}.svc.cluster.local:${PORT}`;

interface Backend { name: string; port: number; server: Server; status: number }

/** An HTTP server answering `status` with its own name, echoing the x-added request header as x-echo. */
async function startBackend(backendName: string, status = 200): Promise<Backend> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'text/plain', 'x-echo': String(req.headers['x-added'] ?? '') }).end(backendName));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { name: backendName, port: (server.address() as AddressInfo).port, server, status };
}

interface Reply { status: number; body: string; headers: Record<string, string | string[] | undefined> }

const agent = new Agent({ keepAlive: true, maxSockets: 4 });
function get(port: number, authority: string, path = '/'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: authority }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('sidecar outbound proxy against the real xDS server', () => {
  let cluster: TestCluster;
  let xds: XdsServer;
  let sidecar: Sidecar;
  const backends = new Map<string, Backend>();
  /** Requests this test sent per Service, and how many got 200. */
  const sent = { total: 0, ok: 0 };

  const via = async (authority: string, path = '/'): Promise<Reply> => {
    const reply = await get(sidecar.outboundPort, authority, path);
    sent.total++;
    if (reply.status === 200) sent.ok++;
    return reply;
  };
  const tally = async (authority: string, n: number): Promise<Map<string, number>> => {
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const r = await via(authority);
      const key = r.status === 200 ? r.body : String(r.status);
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    return seen;
  };
  const subset = (b: Backend, pod?: string): EndpointSubset => ({
    addresses: [{ ip: '127.0.0.1', ...(pod ? { targetRef: { kind: 'Pod', name: pod, namespace: NS } } : {}) }],
    ports: [{ name: 'http', port: b.port, protocol: 'TCP' }],
  });
  const setRoute = async (service: string, rules: RouteRule[]): Promise<void> => {
    const routes = cluster.client.resource<TrafficRoute>('trafficroutes');
    const current = await routes.get(service, NS).catch(() => undefined);
    if (current) await routes.update({ ...current, spec: { service, rules } });
    else await routes.create({ metadata: { name: service, namespace: NS }, spec: { service, rules } });
  };
  /** Waits until the sidecar applied a route table for `service` whose first route satisfies `check`. */
  const routeApplied = (service: string, check: (table: RouteTable) => boolean): Promise<unknown> =>
    waitFor(`the sidecar to apply the routes of ${service}`, () => {
      const table = sidecar.config().routes.get(host(service));
      return !!table && check(table);
    }, 20_000);

  beforeAll(async () => {
    cluster = await startTestCluster();
    xds = await startXdsServer({ client: cluster.client, host: '127.0.0.1', port: 0 });
    for (const b of ['v1-a', 'v1-b', 'v2']) backends.set(b, await startBackend(b));
    backends.set('good', await startBackend('good'));
    backends.set('bad', await startBackend('bad', 503));
    const pods = cluster.client.resource<Pod>('pods');
    for (const [b, version] of [['v1-a', 'v1'], ['v1-b', 'v1'], ['v2', 'v2']] as const) {
      await pods.create({ metadata: { name: name(b), namespace: NS, labels: { app: WEB, version } }, spec: { containers: [{ name: 'app', image: 'web' }] } });
    }
    const services = cluster.client.resource<Service>('services');
    const eps = cluster.client.resource<Endpoints>('endpoints');
    for (const svc of [WEB, FLAKY]) await services.create({ metadata: { name: svc, namespace: NS }, spec: { ports: [{ name: 'http', port: PORT, protocol: 'TCP' }] } });
    await eps.create({ metadata: { name: WEB, namespace: NS }, subsets: ['v1-a', 'v1-b', 'v2'].map((b) => subset(backends.get(b)!, name(b))) });
    await eps.create({ metadata: { name: FLAKY, namespace: NS }, subsets: [subset(backends.get('good')!), subset(backends.get('bad')!)] });
    sidecar = await startSidecar({ xdsServer: `127.0.0.1:${xds.port}`, nodeId: `${NS}/${name('client')}`, outboundPort: 0, adminPort: 0 });
  }, 60_000);

  afterAll(async () => {
    agent.destroy();
    await sidecar?.stop();
    for (const b of backends.values()) b.server.close();
    await xds?.stop();
    await cluster?.stop();
  });

  it('routes requests by Service name or cluster IP to every backend', async () => {
    await waitFor('a request through the sidecar to succeed', async () => (await via(host(WEB)).catch(() => undefined))?.status === 200, 20_000);
    const seen = await tally(host(WEB), 30);
    expect([...seen.keys()].sort()).toEqual(['v1-a', 'v1-b', 'v2']);
    expect((await via(WEB)).status).toBe(200);
    expect((await via(`${WEB}.${NS}`)).status).toBe(200);
    const ip = (await cluster.client.resource<Service>('services').get(WEB, NS)).spec.clusterIP;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect((await via(`${ip}:${PORT}`)).status).toBe(200);
    expect((await via('nowhere.example')).status).toBe(404);
  });

  it('splits 90/10 between subsets', async () => {
    const v1 = { service: WEB, subset: { labels: { version: 'v1' } } };
    const v2 = { service: WEB, subset: { labels: { version: 'v2' } } };
    await setRoute(WEB, [{ backends: [{ ...v1, weight: 90 }, { ...v2, weight: 10 }] }]);
    await routeApplied(WEB, (t) => t.virtualHosts[0]!.routes[0]!.clusters.length === 2);
    await waitFor('both subsets to have endpoints', () => [...sidecar.config().endpoints.entries()].filter(([n, e]) => n.startsWith(`${host(WEB)}|`) && e.length > 0).length === 2, 20_000);
    const seen = await tally(host(WEB), 400);
    const v2share = (seen.get('v2') ?? 0) / 400;
    expect(seen.get('v1-a')).toBeGreaterThan(0);
    expect(seen.get('v1-b')).toBeGreaterThan(0);
    expect(v2share).toBeGreaterThanOrEqual(0.05);
    expect(v2share).toBeLessThanOrEqual(0.15);
  }, 60_000);

  it('retries hide an endpoint answering 503, and route header edits apply', async () => {
    const before = await tally(host(FLAKY), 20);
    expect(before.get('503')).toBeGreaterThan(0);
    await setRoute(FLAKY, [{
      backends: [{ service: FLAKY }], retries: { attempts: 2, retryOn: ['5xx'] },
      headers: { request: { set: { 'x-added': 'by-sidecar' } }, response: { set: { 'x-mesh': 'cairn' } } },
    }]);
    await routeApplied(FLAKY, (t) => t.virtualHosts[0]!.routes[0]!.retry !== undefined);
    const after = await tally(host(FLAKY), 40);
    expect([...after.entries()]).toEqual([['good', 40]]);
    const reply = await via(host(FLAKY));
    expect([reply.headers['x-mesh'], reply.headers['x-echo']]).toEqual(['cairn', 'by-sidecar']);
  }, 60_000);

  it('counts every request in its stats and dumps the applied config', async () => {
    const admin = (path: string): Promise<Reply> => get(sidecar.adminPort, '127.0.0.1', path);
    const metrics = (await admin('/metrics')).body;
    const count = (filter: (labels: string) => boolean): number => metrics.split('\n')
      .filter((l) => l.startsWith('cairn_sidecar_requests_total{') && filter(l.slice(0, l.indexOf('}'))))
      .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(count(() => true)).toBe(sent.total);
    expect(count((labels) => labels.includes('code="200"'))).toBe(sent.ok);
    expect(count((labels) => labels.includes(`cluster="${host(WEB)}|version=v2"`))).toBeGreaterThan(0);
    const retries = metrics.split('\n').find((l) => l.startsWith(`cairn_sidecar_upstream_retries_total{cluster="${host(FLAKY)}"}`));
    expect(Number(retries?.split(' ').pop())).toBeGreaterThan(0);
    expect(metrics).toMatch(/cairn_sidecar_upstream_request_duration_seconds_count\{cluster="[^"]+"\} [1-9]/);

    const dump = JSON.parse((await admin('/config_dump')).body) as { versions: Record<string, string>; clusters: Array<{ name: string }> };
    expect(dump.versions[ROUTE_TYPE]).not.toBe('');
    expect(dump.clusters.map((c) => c.name)).toEqual(expect.arrayContaining([host(WEB), `${host(WEB)}|version=v1`, host(FLAKY)]));
  });
});
