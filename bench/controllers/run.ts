/**
 * Controllers at scale (issue 6): etcd, the registry, a fleet of hollow nodes, the scheduler and the
 * controller manager, each its own process as deployed; this process drives the workloads and times them.
 *   1. rollout: a Deployment of 1,000 replicas becoming available, then a template change rolling through.
 *   2. failure: 100 pods on one hollow node whose agent process is SIGKILLed: detection and replacement.
 * Both run in one cluster (the failover pods are kept off the main fleet by a label only their nodes have).
 *
 *   node dist/bench/controllers/run.js [--nodes 100] [--replicas 1000] [--failure-pods 100] [--spares 10]
 *     [--scenario rollout,failure] [--timeout-seconds 600]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { Deployment } from '../../api/types/apps.js';
import type { Node } from '../../api/types/core.js';
import { ApiClient } from '../../control/client/client.js';
import { loadKubeconfig } from '../../control/client/config.js';
import { freePort } from '../../test/harness/ports.js';
import { startBenchCluster } from '../lib/bench-cluster.js';
import { deployment, NS, pollUntil, progress, seconds, sleep } from './common.js';
import { killNode } from './node-failure.js';
import { rollThousand } from './rollout.js';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    replicas: { type: 'string', default: '1000' },
    'failure-pods': { type: 'string', default: '100' },
    spares: { type: 'string', default: '10' },
    scenario: { type: 'string', default: 'rollout,failure' },
    'timeout-seconds': { type: 'string', default: '600' },
  },
});
const scenarios = String(args.scenario).split(',');
const nodeCount = Number(args.nodes);
const timeoutMs = Number(args['timeout-seconds']) * 1000;

const cluster = await startBenchCluster(16);
const client = new ApiClient(await loadKubeconfig(cluster.kubeconfig));
const rssTimer = setInterval(() => cluster.sampleRss(), 1000);
const lines: string[] = [];
try {
  await client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const t0 = performance.now();
  // Leases every 10 s: 100 nodes renewing each second would be load of their own (the doomed node renews each second).
  cluster.spawnCairn('hollow', ['--kubeconfig', cluster.kubeconfig, 'agent', '--sim', '--nodes', String(nodeCount), '--name-prefix', 'fleet', '--lease-interval-ms', '10000']);
  const nodes = client.resource<Node>('nodes');
  await pollUntil(`${nodeCount} nodes`, async () => (await nodes.list()).items.length >= nodeCount ? true : undefined, { everyMs: 500, timeoutMs: 120_000 });
  progress(`${nodeCount} hollow nodes registered in ${seconds(performance.now() - t0)}`);

  const metricsPort = await freePort();
  cluster.spawnCairn('scheduler', ['--kubeconfig', cluster.kubeconfig, 'scheduler', '--metrics-port', String(metricsPort)]);
  cluster.spawnCairn('controllers', ['--kubeconfig', cluster.kubeconfig, 'controllers', '--leader-elect=false']);
  await pollUntil('the scheduler', () => fetch(`http://127.0.0.1:${metricsPort}/healthz`).then((r) => (r.ok ? true : undefined), () => undefined), { everyMs: 200, timeoutMs: 60_000 });
  // The Deployment controller starts last, so a status on an empty Deployment shows every controller is running.
  const deployments = client.resource<Deployment>('deployments');
  await deployments.create(deployment('probe', 0));
  await pollUntil('the controllers', async () => ((await deployments.get('probe', NS)).status?.observedGeneration ? true : undefined), { everyMs: 200, timeoutMs: 60_000 });
  progress('scheduler and controllers ready');

  if (scenarios.includes('rollout')) {
    const replicas = Number(args.replicas);
    const r = await rollThousand(cluster, client, replicas, timeoutMs);
    lines.push(`rollout  nodes=${nodeCount} replicas=${replicas}  initial: all available in ${seconds(r.initialMs)} (${(replicas / (r.initialMs / 1000)).toFixed(0)} pods/s)  ` +
      `template change: rollout complete in ${seconds(r.rolloutMs)}`,
    `  initial: ${r.initialPhases} (after the Deployment's creation)`, `  CPU (of one core) initial: ${r.cpuInitial}`, `  CPU (of one core) rollout: ${r.cpuRollout}`);
    await sleep(1000);
  }
  if (scenarios.includes('failure')) {
    const pods = Number(args['failure-pods']);
    const f = await killNode(cluster, client, pods, Number(args.spares), timeoutMs);
    lines.push(`failure  pods=${pods} spares=${args.spares}  NotReady after ${seconds(f.notReadyMs)}, tainted unreachable:NoExecute after ${seconds(f.taintedMs)}, ` +
      `first eviction after ${seconds(f.firstEvictionMs)}, all ${pods} Ready elsewhere after ${seconds(f.readyElsewhereMs)}`,
    `  CPU (of one core) kill → replaced: ${f.cpu}`);
  }
  cluster.sampleRss();
  lines.push(`  peak RSS: ${cluster.daemons.map((d) => `${d.name} ${d.peakRssMiB.toFixed(0)} MiB`).join(', ')}`);
  process.stdout.write(lines.join('\n') + '\n');
} catch (err) {
  if (lines.length) process.stdout.write(lines.join('\n') + '\n');
  throw err;
} finally {
  clearInterval(rssTimer);
  client.close();
  await cluster.stop();
}
