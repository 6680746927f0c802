/**
 * End to end on this machine: etcd, the registry, hollow nodes and the scheduler as separate processes
 * (the `cairn` CLI), and this process creating pods and watching them get bound. For each scenario
 * (see workloads.ts) it prints pods/s sustained, creation→bound latency percentiles, the share scheduled,
 * cluster utilization and each process's peak RSS. Each scenario gets a fresh cluster.
 *
 *   node dist/bench/scheduler/e2e.js [--nodes 5000] [--pods 150000] [--scenario plain,...] [--concurrency 64] [--rate 0]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Node, Pod } from '../../api/types/core.js';
import { ApiClient } from '../../control/client/client.js';
import { loadKubeconfig } from '../../control/client/config.js';
import { quantityToMilli } from '../../api/quantity.js';
import { call, drive, startBenchCluster, type BenchCluster } from '../lib/bench-cluster.js';
import { Samples } from '../lib/stats.js';
import { freePort } from '../../test/harness/ports.js';
import { clusterFor, fillerPod, GPU_POOL_LABEL, GPU_TAINT, HIGH_PRIORITY, HIGH_PRIORITY_CLASS, SCENARIOS, scenarioPod, type ScenarioName } from './workloads.js';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    pods: { type: 'string', default: '150000' },
    scenario: { type: 'string', default: SCENARIOS.join(',') },
    concurrency: { type: 'string', default: '64' },
    /** Pods created per second (0: as fast as the registry takes them). */
    rate: { type: 'string', default: '0' },
    /** Give up waiting for binds after this long without progress. */
    'stall-seconds': { type: 'string', default: '30' },
  },
});
const NS = 'bench';
const progress = (line: string): void => { process.stderr.write(`  ${line}\n`); };

async function waitForNodes(client: ApiClient, want: number): Promise<void> {
  for (let last = -1; ;) {
    const n = (await client.resource<Node>('nodes').list({ limit: 1 })).metadata.remainingItemCount;
    const count = n === undefined ? (await client.resource<Node>('nodes').list()).items.length : n + 1;
    if (count >= want) return;
    if (count !== last) progress(`${count}/${want} nodes registered`);
    last = count;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function startFleets(cluster: BenchCluster, scenario: ScenarioName, nodes: number): void {
  const shape = clusterFor(scenario, nodes);
  const common = ['--kubeconfig', cluster.kubeconfig, 'agent', '--sim', '--zones', String(shape.zones), '--cpu', shape.cpu, '--memory', shape.memory,
    '--pods', String(shape.pods), '--lease-interval-ms', '40000'];
  const tainted = Math.round(nodes * shape.taintFraction);
  if (tainted) {
    cluster.spawnCairn('hollow-gpu', [...common, '--nodes', String(tainted), '--name-prefix', 'gpu',
      '--taint', `${GPU_TAINT.key}=${GPU_TAINT.value}:${GPU_TAINT.effect}`, '--label', `${GPU_POOL_LABEL}=gpu`]);
  }
  cluster.spawnCairn('hollow', [...common, '--nodes', String(nodes - tainted), '--name-prefix', 'cpu']);
}

interface Tracker {
  sentAt: Map<string, number>;
  boundAt: Map<string, number>;
  latency: Samples;
  stop(): void;
}

/** Watches the namespace's pods and notes when each one first shows a node. */
async function trackBinds(client: ApiClient): Promise<Tracker> {
  const pods = client.resource<Pod>('pods');
  const list = await pods.list({ namespace: NS, limit: 1 });
  const t: Tracker = { sentAt: new Map(), boundAt: new Map(), latency: new Samples(), stop: () => {} };
  const handle = pods.watch({ namespace: NS, resourceVersion: list.metadata.resourceVersion }, (ev) => {
    const pod = ev.object;
    const name = pod.metadata.name!;
    // Only pods of the current phase count (the preemption fill keeps changing while it is evicted).
    const sent = t.sentAt.get(name);
    if (sent === undefined || ev.type === 'DELETED' || !pod.spec.nodeName || t.boundAt.has(name)) return;
    const now = performance.now();
    t.boundAt.set(name, now);
    t.latency.add(now - sent);
  });
  handle.done.catch((err: unknown) => progress(`watch ended: ${(err as Error).message}`));
  t.stop = handle.stop;
  return t;
}

async function createPods(client: ApiClient, t: Tracker, count: number, make: (i: number) => Pod, concurrency: number, rate: number): Promise<number> {
  const pods = client.resource<Pod>('pods');
  let next = 0;
  let errors = 0;
  const started = performance.now();
  let lastReport = started;
  await drive(concurrency, () => next >= count, async () => {
    const i = next++;
    if (i >= count) return;
    if (rate > 0) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const pod = make(i);
    t.sentAt.set(pod.metadata.name!, performance.now());
    try {
      await pods.create(pod);
    } catch {
      errors++;
    }
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      progress(`created ${i + 1}/${count} (${((i + 1) / ((lastReport - started) / 1000)).toFixed(0)}/s), bound ${t.boundAt.size}`);
    }
  });
  return errors;
}

async function waitForBinds(cluster: BenchCluster, t: Tracker, want: number, stallMs: number): Promise<void> {
  let last = -1;
  let lastChange = performance.now();
  while (t.boundAt.size < want && performance.now() - lastChange < stallMs) {
    cluster.sampleRss();
    if (t.boundAt.size !== last) {
      last = t.boundAt.size;
      lastChange = performance.now();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function utilization(nodes: Node[], t: Tracker, pods: Map<string, Pod>): { cpu: number; memory: number } {
  let allocCpu = 0n;
  let allocMem = 0n;
  for (const n of nodes) {
    allocCpu += quantityToMilli(n.status!.allocatable!.cpu!);
    allocMem += quantityToMilli(n.status!.allocatable!.memory!);
  }
  let cpu = 0n;
  let mem = 0n;
  for (const name of t.boundAt.keys()) {
    const req = pods.get(name)?.spec.containers[0]?.resources?.requests;
    if (!req) continue;
    cpu += quantityToMilli(req.cpu!);
    mem += quantityToMilli(req.memory!);
  }
  return { cpu: Number((cpu * 1000n) / allocCpu) / 10, memory: Number((mem * 1000n) / allocMem) / 10 };
}

async function run(scenario: ScenarioName, nodes: number, podCount: number): Promise<void> {
  const concurrency = Number(args.concurrency);
  const cluster = await startBenchCluster(concurrency);
  const client = new ApiClient(await loadKubeconfig(cluster.kubeconfig));
  const rssTimer = setInterval(() => cluster.sampleRss(), 1000);
  try {
    await client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await client.resource('priorityclasses').create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: HIGH_PRIORITY_CLASS }, value: HIGH_PRIORITY } as never);
    const t0 = performance.now();
    startFleets(cluster, scenario, nodes);
    await waitForNodes(client, nodes);
    progress(`${nodes} hollow nodes registered in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // The scheduler serves /healthz once its informers have synced: only then does the clock start.
    const metricsPort = await freePort();
    cluster.spawnCairn('scheduler', ['--kubeconfig', cluster.kubeconfig, 'scheduler', '--metrics-port', String(metricsPort)]);
    const schedulerStart = performance.now();
    while (!(await fetch(`http://127.0.0.1:${metricsPort}/healthz`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 200));
    progress(`scheduler ready in ${((performance.now() - schedulerStart) / 1000).toFixed(1)} s`);
    const tracker = await trackBinds(client);
    const made = new Map<string, Pod>();
    const remember = (p: Pod): Pod => { made.set(p.metadata.name!, p); return p; };
    let wave = podCount;
    if (scenario === 'preemption') {
      const fill = nodes * 4;
      progress(`filling the cluster with ${fill} low-priority pods`);
      await createPods(client, tracker, fill, (i) => remember(fillerPod(`fill-${i}`, NS)), concurrency, 0);
      await waitForBinds(cluster, tracker, fill, Number(args['stall-seconds']) * 1000);
      progress(`fill bound: ${tracker.boundAt.size}/${fill}`);
      wave = Math.min(podCount, nodes);
      tracker.sentAt.clear();
      tracker.boundAt.clear();
      tracker.latency = new Samples();
    }
    const started = performance.now();
    const cpuBefore = cluster.cpu();
    const errors = await createPods(client, tracker, wave, (i) => remember(scenarioPod(scenario, `p-${i}`, NS, i)), concurrency, Number(args.rate));
    const createdIn = (performance.now() - started) / 1000;
    await waitForBinds(cluster, tracker, wave, Number(args['stall-seconds']) * 1000);
    const boundTimes = [...tracker.boundAt.values()];
    const lastBind = Math.max(...boundTimes);
    const seconds = (lastBind - started) / 1000;
    const cpuAfter = cluster.cpu();
    const cpuShare = Object.entries(cpuAfter).map(([name, s]) => `${name} ${((100 * (s - (cpuBefore[name] ?? 0))) / seconds).toFixed(0)}%`).join(', ');
    const allNodes = (await client.resource<Node>('nodes').list()).items;
    const u = utilization(allNodes, tracker, made);
    const lat = tracker.latency;
    const line = `e2e ${scenario.padEnd(10)} nodes=${nodes} pods=${wave}  ${(boundTimes.length / seconds).toFixed(0)} pods/s bound (created at ${(wave / createdIn).toFixed(0)}/s, ${errors} create errors)  ` +
      `create→bound p50=${(lat.percentile(50) / 1000).toFixed(2)} s p95=${(lat.percentile(95) / 1000).toFixed(2)} s p99=${(lat.percentile(99) / 1000).toFixed(2)} s  ` +
      `scheduled=${((100 * boundTimes.length) / wave).toFixed(1)}%  cpu=${u.cpu.toFixed(1)}% mem=${u.memory.toFixed(1)}%  ` +
      `CPU (of one core) while scheduling: ${cpuShare}  peak RSS: ${cluster.daemons.map((d) => `${d.name} ${d.peakRssMiB.toFixed(0)} MiB`).join(', ')}, bench ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;
    process.stdout.write(line + '\n');
    if (process.env.BENCH_VERBOSE) {
      const metrics = (await call(cluster.ep, 'GET', '/metrics', undefined, undefined, true)).body;
      progress(metrics.split('\n').filter((l) => l.startsWith('apiserver_request_total')).join('\n  '));
    }
    tracker.stop();
  } finally {
    clearInterval(rssTimer);
    client.close();
    await cluster.stop();
  }
}

for (const scenario of String(args.scenario).split(',') as ScenarioName[]) {
  if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scenario ${scenario}: choose from ${SCENARIOS.join(', ')}`);
  await run(scenario, Number(args.nodes), Number(args.pods));
}
