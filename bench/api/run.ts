/**
 * API benchmark (issue: foundation). Starts etcd and the registry (HTTPS, token auth) as child processes,
 * then from this separate process: opens 1,000 watches, drives a mixed load (60% get, 20% list with a label
 * selector, 15% update, 5% create) for a fixed time, and finally stores many pods and times full lists
 * served from the watch cache. Prints req/s, p50/p95/p99 per verb and the registry's RSS.
 *
 *   node dist/bench/api/run.js [--seconds 30] [--concurrency 64] [--watches 1000] [--list-pods 150000]
 */
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { call, drive, startBenchCluster } from '../lib/bench-cluster.js';
import { rssMiB, Samples } from '../lib/stats.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '64' },
    watches: { type: 'string', default: '1000' },
    namespaces: { type: 'string', default: '20' },
    'pods-per-namespace': { type: 'string', default: '100' },
    'list-pods': { type: 'string', default: '150000' },
    'list-iterations': { type: 'string', default: '20' },
  },
});
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const WATCHES = Number(args.watches);
const NAMESPACES = Number(args.namespaces);
const PODS_PER_NS = Number(args['pods-per-namespace']);
const LIST_PODS = Number(args['list-pods']);
const LIST_ITERATIONS = Number(args['list-iterations']);

const pod = (ns: string, name: string, i: number): object => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: ns, labels: { app: `app-${i % 10}`, tier: i % 2 ? 'web' : 'db' } },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36', resources: { requests: { cpu: '100m', memory: '64Mi' } } }], nodeName: `node-${i % 50}` },
});

async function main(): Promise<void> {
  const cluster = await startBenchCluster(CONCURRENCY);
  const { ep } = cluster;
  const child = cluster.daemons.find((d) => d.name === 'registry')!.child!;
  const log = (line: string): void => { process.stdout.write(line + '\n'); };
  try {
    log(`# Cairn API benchmark: ${SECONDS}s mixed load, concurrency ${CONCURRENCY}, ${WATCHES} watches, ${NAMESPACES}x${PODS_PER_NS} pods`);
    const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-${i}`);
    for (const ns of namespaces) await call(ep, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    let seeded = 0;
    await drive(CONCURRENCY, () => seeded >= NAMESPACES * PODS_PER_NS, async () => {
      const n = seeded++;
      if (n >= NAMESPACES * PODS_PER_NS) return;
      const ns = namespaces[n % NAMESPACES]!;
      await call(ep, 'POST', `/api/v1/namespaces/${ns}/pods`, pod(ns, `pod-${Math.floor(n / NAMESPACES)}`, n));
    });
    log(`seeded ${NAMESPACES * PODS_PER_NS} pods; registry RSS ${rssMiB(child.pid!).toFixed(0)} MiB`);

    // 1,000 open watches on their own connections, spread over the namespaces, counting delivered events.
    const watchAgent = new Agent({ keepAlive: true, ca: ep.ca, maxSockets: WATCHES + 10 });
    let watchEvents = 0;
    const watchRequests: ReturnType<typeof request>[] = [];
    await Promise.all(Array.from({ length: WATCHES }, (_, i) => new Promise<void>((resolve, reject) => {
      const ns = namespaces[i % NAMESPACES]!;
      const req = request(`${ep.base}/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=0&allowWatchBookmarks=true`, {
        agent: watchAgent, headers: { Authorization: `Bearer ${ep.token}` },
      }, (res) => {
        res.on('data', (c: Buffer) => { for (const b of c) if (b === 10) watchEvents++; });
        res.on('error', () => {});
        resolve();
      });
      req.on('error', reject);
      req.end();
      watchRequests.push(req);
    })));
    const initialEvents = watchEvents;
    log(`opened ${WATCHES} watches (initial ADDED events: ${initialEvents}); registry RSS ${rssMiB(child.pid!).toFixed(0)} MiB`);

    const stats = { get: new Samples(), list: new Samples(), update: new Samples(), create: new Samples() };
    let created = 0;
    const deadline = performance.now() + SECONDS * 1000;
    const started = performance.now();
    let peakRss = 0;
    const rssTimer = setInterval(() => { peakRss = Math.max(peakRss, rssMiB(child.pid!)); }, 500);
    await drive(CONCURRENCY, () => performance.now() > deadline, async (_w, i) => {
      const r = Math.random();
      const ns = namespaces[i % NAMESPACES]!;
      const name = `pod-${Math.floor(Math.random() * PODS_PER_NS)}`;
      let verb: keyof typeof stats;
      let p: Promise<{ status: number }>;
      if (r < 0.6) { verb = 'get'; p = call(ep, 'GET', `/api/v1/namespaces/${ns}/pods/${name}`); }
      else if (r < 0.8) { verb = 'list'; p = call(ep, 'GET', `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(`app=app-${i % 10},tier=web`)}`); }
      else if (r < 0.95) { verb = 'update'; p = call(ep, 'PATCH', `/api/v1/namespaces/${ns}/pods/${name}`, { metadata: { annotations: { bench: String(i) } } }, 'application/merge-patch+json'); }
      else { verb = 'create'; p = call(ep, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${created++}` }, data: { k: 'v' } }); }
      const t0 = performance.now();
      try {
        const res = await p;
        stats[verb].add(performance.now() - t0);
        if (res.status >= 300) stats[verb].errors++;
      } catch {
        stats[verb].errors++;
      }
    });
    clearInterval(rssTimer);
    const elapsed = (performance.now() - started) / 1000;
    const total = Object.values(stats).reduce((n, s) => n + s.count, 0);
    log(`\n## mixed load\nthroughput: ${(total / elapsed).toFixed(0)} req/s over ${elapsed.toFixed(1)} s (${total} requests)`);
    for (const [verb, s] of Object.entries(stats)) log(`${verb.padEnd(7)} ${s.summary()}`);
    log(`watch events delivered during the run: ${watchEvents - initialEvents} across ${WATCHES} watches`);
    log(`registry RSS: peak ${peakRss.toFixed(0)} MiB`);
    for (const req of watchRequests) req.destroy();
    watchAgent.destroy();

    if (LIST_PODS > 0) {
      log(`\n## full list from the watch cache with ${LIST_PODS} pods stored`);
      const have = NAMESPACES * PODS_PER_NS;
      let next = have;
      const t0 = performance.now();
      let lastReport = t0;
      await drive(CONCURRENCY, () => next >= LIST_PODS, async () => {
        const n = next++;
        if (n >= LIST_PODS) return;
        const ns = namespaces[n % NAMESPACES]!;
        await call(ep, 'POST', `/api/v1/namespaces/${ns}/pods`, pod(ns, `pod-${Math.floor(n / NAMESPACES)}`, n));
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          process.stderr.write(`  stored ${n} pods (${(n - have) / ((lastReport - t0) / 1000) | 0} creates/s)\n`);
        }
      });
      log(`stored ${LIST_PODS} pods in ${((performance.now() - t0) / 1000).toFixed(0)} s; registry RSS ${rssMiB(child.pid!).toFixed(0)} MiB`);
      const lists = new Samples();
      let bytes = 0;
      for (let i = 0; i < LIST_ITERATIONS; i++) {
        const s = performance.now();
        const res = await call(ep, 'GET', '/api/v1/pods');
        lists.add(performance.now() - s);
        bytes = res.bytes;
        if (res.status !== 200) lists.errors++;
      }
      log(`full list (${(bytes / 1048576).toFixed(0)} MiB JSON): ${lists.summary()}`);
      const selected = new Samples();
      for (let i = 0; i < LIST_ITERATIONS; i++) {
        const s = performance.now();
        await call(ep, 'GET', `/api/v1/pods?fieldSelector=${encodeURIComponent('spec.nodeName=node-7')}`);
        selected.add(performance.now() - s);
      }
      log(`list pods on one node (field selector over ${LIST_PODS}): ${selected.summary()}`);
      log(`registry RSS after lists: ${rssMiB(child.pid!).toFixed(0)} MiB`);
    }
  } finally {
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
