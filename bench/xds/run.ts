/**
 * xDS convergence (issue 7): etcd, the registry and `cairn xds-server` each their own process as deployed,
 * S Services × E endpoints, and N simulated ADS clients (bench/xds/ads-client.ts) in separate processes, 100
 * streams per HTTP/2 connection. For each N: the time until every client holds full state, then per change
 * kind `--changes` API writes, each measured from the write's response to every client having received and
 * ACKed the changed resource with its chain complete: p50/p99/max, with the server's CPU and RSS.
 * A fresh xds-server process serves each N (BENCH_XDS_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles it).
 *
 *   node dist/bench/xds/run.js [--services 100] [--endpoints 10] [--clients 1000,5000] [--procs 2]
 *     [--per-channel 100] [--changes 5] [--kinds endpoints,service,trafficroute] [--change-timeout-seconds 30]
 *     [--connect-timeout-seconds 300] [--route-marker '"weight":{"value":20}']
 */
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import type { Endpoints, Namespace, Service } from '../../api/types/core.js';
import { ApiClient } from '../../control/client/client.js';
import { loadKubeconfig } from '../../control/client/config.js';
import { DEFAULT_ZONE } from '../../control/xds-server/naming.js';
import { endpoints } from '../../dataplane/proxy/testing/objects.js';
import { freePort } from '../../test/harness/ports.js';
import { pollUntil, progress, seconds, sleep } from '../controllers/common.js';
import { startBenchCluster, type BenchCluster, type Daemon } from '../lib/bench-cluster.js';
import { cpuSeconds, Samples } from '../lib/stats.js';
import { CHANGE_KINDS, svcName, type World } from './changes.js';
import { ClientFleet } from './client-fleet.js';
import { hrNow } from './messages.js';

const { values: args } = parseArgs({
  options: {
    services: { type: 'string', default: '100' },
    endpoints: { type: 'string', default: '10' },
    clients: { type: 'string', default: '1000,5000' },
    procs: { type: 'string', default: '2' },
    'per-channel': { type: 'string', default: '100' },
    changes: { type: 'string', default: '5' },
    kinds: { type: 'string', default: 'endpoints,service,trafficroute' },
    'change-timeout-seconds': { type: 'string', default: '30' },
    'connect-timeout-seconds': { type: 'string', default: '300' },
    'route-marker': { type: 'string', default: '"weight":{"value":20}' },
  },
});
const SERVICES = Number(args.services);
const PER_SERVICE = Number(args.endpoints);
const CLIENT_COUNTS = String(args.clients).split(',').map(Number);
const CHANGES = Number(args.changes);
const KINDS = String(args.kinds).split(',');
const NS = 'bench';
for (const k of KINDS) if (!CHANGE_KINDS[k]) throw new Error(`--kinds: unknown kind "${k}"; use ${Object.keys(CHANGE_KINDS).join(', ')}`);
if (![SERVICES, PER_SERVICE, CHANGES, ...CLIENT_COUNTS].every((n) => Number.isInteger(n) && n > 0)) throw new Error('--services, --endpoints, --changes and --clients take positive integers');

const podIP = (k: number): string => `10.244.${k >> 8 & 255}.${k & 255}`;

async function createWorld(client: ApiClient): Promise<World> {
  await client.resource<Namespace>('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const services = client.resource<Service>('services');
  const eps = client.resource<Endpoints>('endpoints');
  for (let i = 0; i < SERVICES; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, SERVICES - i) }, async (_, j) => {
      const s = i + j;
      // No selector: the Endpoints are the benchmark's (no endpoints controller runs).
      await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: svcName(s), namespace: NS }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } });
      await eps.create(endpoints(NS, svcName(s), Array.from({ length: PER_SERVICE }, (_, e) => podIP(s * PER_SERVICE + e))));
    }));
  }
  return { client, namespace: NS, services: SERVICES, zone: DEFAULT_ZONE, routeMarker: String(args['route-marker']) };
}

async function startXds(cluster: BenchCluster, kubeconfig: string): Promise<{ daemon: Daemon; port: number }> {
  const port = await freePort();
  const daemon = cluster.spawnCairn('xds', ['--kubeconfig', kubeconfig, 'xds-server', '--listen', '127.0.0.1', '--port', String(port)]);
  // The server binds its port only once its informers have listed every Service and Endpoints.
  await pollUntil('the xds server', () => new Promise<true | undefined>((resolve) => {
    const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(undefined));
  }), { everyMs: 200, timeoutMs: 60_000 });
  return { daemon, port };
}

async function stopDaemon(d: Daemon): Promise<void> {
  const child = d.child!;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

const serverCpu = (d: Daemon): number => cpuSeconds(d.pid() ?? 0);
const ms = (v: number): string => `${v.toFixed(0)} ms`;
const pct = (cpuS: number, wallMs: number): string => `${((100 * cpuS) / (wallMs / 1000)).toFixed(0)}%`;
const dist = (s: Samples): string => `p50 ${ms(s.percentile(50))}, p99 ${ms(s.percentile(99))}, max ${ms(s.percentile(100))}`;

const cluster = await startBenchCluster(8);
const client = new ApiClient(await loadKubeconfig(cluster.kubeconfig));
const lines: string[] = [];
let fleet: ClientFleet | undefined;
const rssTimer = setInterval(() => { cluster.sampleRss(); fleet?.sampleRss(); }, 500);
try {
  const world = await createWorld(client);
  const limit = Math.min(...KINDS.map((k) => CHANGE_KINDS[k]!.limit(world)));
  if (CHANGES * CLIENT_COUNTS.length > limit) throw new Error(`--changes: ${CHANGES} per client count × ${CLIENT_COUNTS.length} counts exceeds the ${limit} changes ${SERVICES} services allow`);
  for (const k of KINDS) await CHANGE_KINDS[k]!.setup(world, CHANGES * CLIENT_COUNTS.length);
  progress(`${SERVICES} services × ${PER_SERVICE} endpoints created`);
  lines.push(`world: ${SERVICES} services × ${PER_SERVICE} endpoints (one TCP port each); clients in ${args.procs} processes, ${args['per-channel']} streams per HTTP/2 connection`);

  for (const [run, clients] of CLIENT_COUNTS.entries()) {
    const xds = await startXds(cluster, cluster.kubeconfig);
    const before = serverCpu(xds.daemon);
    const started = await ClientFleet.start({ address: `127.0.0.1:${xds.port}`, clients, procs: Number(args.procs), perChannel: Number(args['per-channel']), timeoutMs: Number(args['connect-timeout-seconds']) * 1000 });
    fleet = started.fleet;
    cluster.sampleRss();
    lines.push(`clients=${clients}: all holding full state (${Object.entries(started.counts).map(([t, n]) => `${n} ${t}`).join(', ')}) ${seconds(started.connectMs)} after the first connect` +
      `${started.failed ? `, ${started.failed} streams failed` : ''}; server CPU ${pct(serverCpu(xds.daemon) - before, started.connectMs)} of one core ` +
      `(${(serverCpu(xds.daemon) - before).toFixed(1)} CPU-s), RSS ${xds.daemon.peakRssMiB.toFixed(0)} MiB`);
    progress(lines.at(-1)!);

    for (const kind of KINDS) {
      const acked = new Samples();
      const received = new Samples();
      let missing = 0;
      let busyMs = 0;
      let serverS = 0;
      let clientS = 0;
      for (let c = 0; c < CHANGES; c++) {
        const { target, write } = CHANGE_KINDS[kind]!.change(world, run * CHANGES + c);
        const t0 = hrNow();
        const s0 = serverCpu(xds.daemon);
        const c0 = fleet.cpu();
        const r = await fleet.measure(target, write, Number(args['change-timeout-seconds']) * 1000);
        busyMs += hrNow() - t0;
        serverS += serverCpu(xds.daemon) - s0;
        clientS += fleet.cpu() - c0;
        r.acked.forEach((v) => acked.add(v));
        r.received.forEach((v) => received.add(v));
        missing += r.missing;
        await sleep(500);
      }
      cluster.sampleRss();
      lines.push(`  ${kind.padEnd(12)} ${CHANGES} changes, ${acked.count} client convergences: ACKed ${dist(acked)}; received ${dist(received)}` +
        `${missing ? `; ${missing} never converged within ${args['change-timeout-seconds']} s` : ''}; during the changes server CPU ${pct(serverS, busyMs)} ` +
        `(${(serverS / CHANGES).toFixed(2)} CPU-s per change), clients CPU ${pct(clientS, busyMs)}`);
      progress(lines.at(-1)!);
    }
    lines.push(`  peak RSS: xds-server ${xds.daemon.peakRssMiB.toFixed(0)} MiB, client processes ${fleet.peakRssMiB.toFixed(0)} MiB together, registry ${cluster.daemons.find((d) => d.name === 'registry')!.peakRssMiB.toFixed(0)} MiB`);
    await fleet.stop();
    fleet = undefined;
    await stopDaemon(xds.daemon);
  }
  process.stdout.write(lines.join('\n') + '\n');
} catch (err) {
  if (lines.length) process.stdout.write(lines.join('\n') + '\n');
  throw err;
} finally {
  clearInterval(rssTimer);
  await fleet?.stop();
  client.close();
  await cluster.stop();
}
