/**
 * The outbound proxy with hand-built configs and HTTP backends on loopback: faults, timeouts, per-try timeouts and
 * connect failures retried elsewhere, concurrency-limit overflow, a dead endpoint not taking its peers down, outlier ejection, ring hash by header, and a
 * request finishing on the config it started with after the config lost its cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../test/harness/ports.js';
import { ClusterRuntimes } from './cluster-runtime.js';
import { clusterEndpoints, EMPTY_CONFIG, type ClusterEntry, type Endpoint, type ProxyConfig, type RouteEntry } from './config-model.js';
import { OutboundProxy } from './outbound-proxy.js';
import { SidecarStats } from './stats.js';

interface Backend { name: string; endpoint: Endpoint; server: Server; hits: number }

async function backend(name: string, behaviour: { status?: number; delayMs?: number } = {}): Promise<Backend> {
  const b: Backend = { name, endpoint: { host: '127.0.0.1', port: 0 }, server: createServer(), hits: 0 };
  b.server.on('request', (req, res) => {
    b.hits++;
    req.resume();
    setTimeout(() => res.writeHead(behaviour.status ?? 200).end(name), behaviour.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => b.server.listen(0, '127.0.0.1', resolve));
  b.endpoint.port = (b.server.address() as AddressInfo).port;
  return b;
}

const route = (cluster: string, over: Partial<RouteEntry> = {}): RouteEntry => ({
  name: 'r', path: { kind: 'prefix', value: '/' }, headers: [], clusters: [{ name: cluster, weight: 1 }], hashHeaders: [],
  requestHeadersToAdd: [], requestHeadersToRemove: [], responseHeadersToAdd: [], responseHeadersToRemove: [], ...over,
});
const clusterOf = (name: string, over: Partial<ClusterEntry> = {}): ClusterEntry => ({ name, edsName: name, lb: 'round_robin', connectTimeoutMs: 1000, thresholds: {}, ...over });

/** A config where Host `<cluster>` routes by `r` to `cluster` with `endpoints`. */
function configFor(entries: Array<{ route: RouteEntry; cluster: ClusterEntry; endpoints: Endpoint[] }>): ProxyConfig {
  return {
    ...EMPTY_CONFIG,
    listeners: new Map(entries.map((e) => [e.cluster.name, { name: e.cluster.name, routeConfigName: e.cluster.name }])),
    routes: new Map(entries.map((e) => [e.cluster.name, { name: e.cluster.name, virtualHosts: [{ name: e.cluster.name, domains: [e.cluster.name], routes: [e.route] }] }])),
    clusters: new Map(entries.map((e) => [e.cluster.name, e.cluster])),
    endpoints: new Map(entries.map((e) => [e.cluster.name, e.endpoints])),
  };
}

describe('outbound proxy', () => {
  const stats = new SidecarStats();
  const runtimes = new ClusterRuntimes(stats);
  let config: ProxyConfig = EMPTY_CONFIG;
  const proxy = new OutboundProxy({ host: '127.0.0.1', port: 0, config: () => config, runtimes, stats });
  /** Applies a config as the sidecar does: swap, then sync the runtimes. */
  const use = (next: ProxyConfig): void => {
    config = next;
    runtimes.sync(next, (c) => clusterEndpoints(next, c));
  };
  let port = 0;
  const started: Backend[] = [];
  const start = async (name: string, behaviour?: { status?: number; delayMs?: number }): Promise<Backend> => {
    const b = await backend(name, behaviour);
    started.push(b);
    return b;
  };
  const send = (host: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { ...headers, host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
  const metric = async (name: string, cluster: string): Promise<number> => {
    const line = (await stats.registry.metrics()).split('\n').find((l) => l.startsWith(`${name}{cluster="${cluster}"}`));
    return Number(line?.split(' ').pop() ?? 0);
  };

  beforeAll(async () => {
    port = await proxy.start();
  });
  afterAll(async () => {
    await proxy.stop();
    runtimes.closeAll();
    for (const b of started) b.server.close();
  });

  it('injects aborts and delays', async () => {
    const b = await start('f');
    use(configFor([{ route: route('f', { fault: { abort: { httpStatus: 418, percent: 100 } } }), cluster: clusterOf('f'), endpoints: [b.endpoint] }]));
    expect((await send('f')).status).toBe(418);
    expect(b.hits).toBe(0);
    use(configFor([{ route: route('f', { fault: { delay: { ms: 50, percent: 100 } } }), cluster: clusterOf('f'), endpoints: [b.endpoint] }]));
    expect(await send('f')).toEqual({ status: 200, body: 'f' });
  });

  it('answers 504 when the route timeout passes', async () => {
    const slow = await start('slow', { delayMs: 1000 });
    use(configFor([{ route: route('t', { timeoutMs: 100 }), cluster: clusterOf('t'), endpoints: [slow.endpoint] }]));
    expect((await send('t')).status).toBe(504);
  });

  it('retries a per-try timeout and a connect failure on another endpoint', async () => {
    const slow = await start('slow2', { delayMs: 1000 });
    const fast = await start('fast');
    const closed = { host: '127.0.0.1', port: await freePort() };
    const retry = { on: new Set(['5xx']), numRetries: 2, perTryTimeoutMs: 100 };
    use(configFor([{ route: route('p', { retry }), cluster: clusterOf('p'), endpoints: [slow.endpoint, closed, fast.endpoint] }]));
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await send('p'));
    expect(replies.every((r) => r.status === 200 && r.body === 'fast')).toBe(true);
    expect(slow.hits).toBeGreaterThan(0);
    expect(await metric('cairn_sidecar_upstream_retries_total', 'p')).toBeGreaterThanOrEqual(3);
  });

  it('refuses attempts over max_requests with 503', async () => {
    const slow = await start('busy', { delayMs: 300 });
    use(configFor([{ route: route('c'), cluster: clusterOf('c', { thresholds: { maxRequests: 1 } }), endpoints: [slow.endpoint] }]));
    const statuses = (await Promise.all([send('c'), send('c'), send('c')])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 503, 503]);
    expect(await metric('cairn_sidecar_upstream_overflow_total', 'c')).toBe(2);
  });

  it('keeps serving from the live endpoint while its peer is dead: limits are on concurrency, not error rate', async () => {
    const live = await start('live');
    const dead = [{ host: '127.0.0.1', port: await freePort() }, { host: '127.0.0.1', port: await freePort() }];
    use(configFor([{ route: route('d'), cluster: clusterOf('d'), endpoints: [live.endpoint, ...dead] }]));
    const replies = [];
    for (let i = 0; i < 60; i++) replies.push(await send('d'));
    expect(live.hits).toBe(20);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(20);
    expect(await metric('cairn_sidecar_upstream_overflow_total', 'd')).toBe(0);
  });

  it('queues past max_connections up to max_pending_requests and refuses beyond', async () => {
    const slow = await start('queued', { delayMs: 200 });
    const thresholds = { maxConnections: 1, maxPendingRequests: 1 };
    use(configFor([{ route: route('q'), cluster: clusterOf('q', { thresholds }), endpoints: [slow.endpoint] }]));
    const replies = await Promise.all([send('q'), send('q'), send('q')]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 503]);
    expect(replies.find((r) => r.status === 503)?.body).toContain('max_pending_requests');
  });

  it('lets a request retry after the next config drops its cluster', async () => {
    const failing = await start('gone-503', { status: 503, delayMs: 200 });
    const good = await start('gone-ok');
    const retry = { on: new Set(['5xx']), numRetries: 1 };
    use(configFor([{ route: route('g', { retry }), cluster: clusterOf('g'), endpoints: [failing.endpoint, good.endpoint] }]));
    const inFlight = send('g');
    await new Promise((r) => setTimeout(r, 100));
    use(EMPTY_CONFIG);
    expect(await inFlight).toEqual({ status: 200, body: 'gone-ok' });
  });

  it('ejects an endpoint after consecutive 5xx', async () => {
    const bad = await start('bad', { status: 500 });
    const good = await start('good');
    const outlier = { consecutive5xx: 2, intervalMs: 1000, baseEjectionMs: 60_000, maxEjectionMs: 300_000, maxEjectionPercent: 50 };
    use(configFor([{ route: route('o'), cluster: clusterOf('o', { outlier }), endpoints: [bad.endpoint, good.endpoint] }]));
    for (let i = 0; i < 6; i++) await send('o');
    expect(bad.hits).toBe(2);
    const later = await Promise.all(Array.from({ length: 5 }, () => send('o')));
    expect(later.every((r) => r.body === 'good')).toBe(true);
    expect(await metric('cairn_sidecar_outlier_ejections_total', 'o')).toBe(1);
  });

  it('keeps one key on one endpoint with ring hash', async () => {
    const bs = await Promise.all(['h1', 'h2', 'h3'].map((n) => start(n)));
    use(configFor([{ route: route('h', { hashHeaders: ['x-user'] }), cluster: clusterOf('h', { lb: 'ring_hash' }), endpoints: bs.map((b) => b.endpoint) }]));
    for (const user of ['ann', 'bob', 'cy']) {
      const bodies = new Set<string>();
      for (let i = 0; i < 5; i++) bodies.add((await send('h', { 'x-user': user })).body);
      expect(bodies.size).toBe(1);
    }
  });

  it('finishes a request on its config when the next config drops its cluster', async () => {
    const slow = await start('old', { delayMs: 300 });
    use(configFor([{ route: route('s'), cluster: clusterOf('s'), endpoints: [slow.endpoint] }]));
    const inFlight = send('s');
    await new Promise((r) => setTimeout(r, 100));
    use(EMPTY_CONFIG);
    expect((await send('s')).status).toBe(404);
    expect(await inFlight).toEqual({ status: 200, body: 'old' });
  });
});
