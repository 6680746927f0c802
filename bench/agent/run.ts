/**
 * Node agent benchmark (real runc): pod create→Running latency with the image cached, for 1 pod (10 times)
 * and for 50 pods created at once on one node; then the agent's RSS and CPU with 100 pods running.
 * The agent is a `cairn agent` child process; its per-container conmon monitors are counted apart.
 * Everything (pods, containers, netns, mounts, registries, temp dirs) is removed at the end.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DistributionClient } from '../../agent/images/distribution-client.js';
import { CGROUP_ROOT, detectCgroupMode } from '../../agent/runtime/runc/cgroups.js';
import { ApiClient } from '../../control/client/client.js';
import type { Node } from '../../api/types/core.js';
import { startLabRegistry } from '../../test/lab/image-registry.js';
import { pushTestImages } from '../../test/lab/test-images.js';
import { startBenchCluster, type Daemon } from '../lib/bench-cluster.js';
import { cpuSeconds, rssMiB, Samples } from '../lib/stats.js';
import { conmonProcesses, totalCpuSeconds, totalRssMiB } from './node-processes.js';
import { PodLatency } from './pod-latency.js';

const run = promisify(execFile);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mib = (n: number): string => `${n.toFixed(0)} MiB`;

async function waitNodeReady(client: ApiClient, name: string, agent: Daemon): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (agent.child?.exitCode != null) throw new Error('the agent exited');
    const node = await client.resource<Node>('nodes').get(name).catch(() => undefined);
    if (node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    await sleep(100);
  }
  throw new Error(`node ${name} did not become Ready`);
}

/** Unmounts what the agent left under its data dir (container rootfs overlays), then removes the dir and cgroup parents. */
async function removeDataDir(dataDir: string): Promise<void> {
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((l) => l.split(' ')[4]).filter((m) => m?.startsWith(dataDir));
  for (const m of mounts.reverse()) await run('umount', [m]).catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
}

async function removeEmptyCgroupParent(name: string): Promise<void> {
  const parents = (await detectCgroupMode()) === 'v2' ? [CGROUP_ROOT] : (await readdir(CGROUP_ROOT)).map((c) => join(CGROUP_ROOT, c));
  for (const parent of parents) await rmdir(join(parent, name)).catch(() => undefined);
}

async function main(): Promise<void> {
  const started = Date.now();
  const tag = Math.random().toString(36).slice(2, 7);
  const nodeName = `bench-agent-${tag}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'cairn-bench-agent-'));
  const cluster = await startBenchCluster(64);
  const registry = await startLabRegistry();
  const client = await ApiClient.fromKubeconfig(cluster.kubeconfig);
  let latency: PodLatency | undefined;
  const lines: string[] = [];
  try {
    const image = (await pushTestImages(new DistributionClient(), registry.host)).busybox;
    // No pod network: it needs a podCIDR from the node IPAM controller, which this cluster (registry only) lacks.
    const agent = cluster.spawnCairn('agent', ['--kubeconfig', cluster.kubeconfig, 'agent', '--data-dir', dataDir, '--node-name', nodeName, '--no-pod-network']);
    await waitNodeReady(client, nodeName, agent);
    latency = new PodLatency(client, `agent-${tag}`, nodeName, image);
    await latency.start();
    let seq = 0;
    const name = (): string => `bench-${tag}-${seq++}`;

    const pull = await latency.run(name());
    await latency.deleteAll();

    const one = new Samples();
    for (let i = 0; i < 10; i++) one.add(await latency.run(name()));
    await latency.deleteAll();

    const burstStart = performance.now();
    const fifty = new Samples();
    for (const ms of await Promise.all(Array.from({ length: 50 }, () => latency!.run(name())))) fifty.add(ms);
    const burstMs = performance.now() - burstStart;

    await Promise.all(Array.from({ length: 50 }, () => latency!.run(name(), 120_000)));
    await sleep(5000);
    const agentPid = agent.pid()!;
    const conmons = conmonProcesses(dataDir);
    const cpu0 = cpuSeconds(agentPid);
    const monCpu0 = totalCpuSeconds(conmons);
    const regCpu0 = cpuSeconds(cluster.daemons.find((d) => d.name === 'registry')!.pid()!);
    await sleep(IDLE_SECONDS * 1000);
    const cpu = cpuSeconds(agentPid) - cpu0;
    const monCpu = totalCpuSeconds(conmons) - monCpu0;
    const regCpu = cpuSeconds(cluster.daemons.find((d) => d.name === 'registry')!.pid()!) - regCpu0;
    const monRss = totalRssMiB(conmons);
    const agentRss = rssMiB(agentPid);

    lines.push(
      `first pod (pulls the image):      ${pull.toFixed(0)} ms`,
      `1 pod  x 10 (image cached):       ${one.summary()}`,
      `50 pods at once (image cached):   ${fifty.summary()}  (all Running after ${burstMs.toFixed(0)} ms)`,
      `goal p95 < 2000 ms:               1 pod ${one.percentile(95) < 2000 ? 'met' : 'MISSED'}, 50 pods ${fifty.percentile(95) < 2000 ? 'met' : 'MISSED'}`,
      `with ${latency.running.size} pods running (${conmons.length} conmon processes), over ${IDLE_SECONDS} s idle:`,
      `  agent RSS ${mib(agentRss)}, CPU ${((cpu / IDLE_SECONDS) * 100).toFixed(1)}% of a core`,
      `  conmon RSS ${mib(monRss)} (${(monRss / Math.max(1, conmons.length)).toFixed(1)} MiB each), CPU ${((monCpu / IDLE_SECONDS) * 100).toFixed(1)}% of a core together`,
      `  node total (agent + conmon) RSS ${mib(agentRss + monRss)}; registry CPU ${((regCpu / IDLE_SECONDS) * 100).toFixed(1)}%`,
    );
    const t = performance.now();
    await latency.deleteAll();
    lines.push(`deleting 100 pods until the agent confirmed them gone: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const left = conmonProcesses(dataDir);
    if (left.length) lines.push(`WARNING: ${left.length} conmon processes still running after the pods were deleted`);
  } finally {
    await latency?.deleteAll(60_000).catch((err: unknown) => process.stderr.write(`cleanup: ${(err as Error).message}\n`));
    await latency?.stop();
    client.close();
    await cluster.stop();
    await registry.stop();
    const { stdout } = await run('ip', ['netns', 'list']).catch(() => ({ stdout: '' }));
    const netns = stdout.split('\n').map((l) => l.split(' ')[0]).filter((n) => n.startsWith('cairn-pod-'));
    if (netns.length) process.stderr.write(`note: ${netns.length} cairn-pod-* netns exist (maybe another agent's)\n`);
    await removeDataDir(dataDir);
    await removeEmptyCgroupParent('cairn');
  }
  console.log(['== node agent (runc, one node) ==', ...lines, `total ${((Date.now() - started) / 1000).toFixed(0)} s`].join('\n'));
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
