/**
 * The scheduler core alone: the same frameworks and cache the scheduler runs, against an in-memory cluster,
 * with no API in the way (binds land in the cache at once). This is the algorithm's ceiling; the end-to-end
 * run (e2e.ts) shows what the registry and etcd cost on top.
 *
 *   node dist/bench/scheduler/core.js [--nodes 5000] [--pods 150000] [--scenario plain,spread,taints,preemption] [--percentage 0]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { Pod } from '../../api/types/core.js';
import { SchedulerCache } from '../../scheduler/cache/scheduler-cache.js';
import { buildFramework } from '../../scheduler/config/build-profile.js';
import { defaultConfig } from '../../scheduler/config/scheduler-config.js';
import { CycleState } from '../../scheduler/framework/cycle-state.js';
import type { Framework } from '../../scheduler/framework/framework.js';
import { PodNominator } from '../../scheduler/framework/nominator.js';
import { PodInfo } from '../../scheduler/framework/pod-info.js';
import type { SchedulerApi } from '../../scheduler/framework/types.js';
import { DEFAULT_PLUGINS, pluginRegistry } from '../../scheduler/plugins/registry.js';
import { findHost } from '../../scheduler/schedule-cycle.js';
import { makeNode } from '../../scheduler/testing/builders.js';
import { Samples } from '../lib/stats.js';
import { utilization } from './utilization.js';
import { clusterFor, fillerPod, GPU_POOL_LABEL, GPU_TAINT, SCENARIOS, scenarioPod, type ScenarioName } from './workloads.js';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    pods: { type: 'string', default: '150000' },
    scenario: { type: 'string', default: SCENARIOS.join(',') },
    percentage: { type: 'string', default: '0' },
  },
});

/** Stands in for the registry in this in-memory run only: binds and evictions apply to the cache immediately. */
class InMemoryApi implements SchedulerApi {
  constructor(private readonly cache: SchedulerCache) {}
  async bind(pod: Pod, nodeName: string): Promise<void> {
    this.cache.setBoundPod({ ...pod, spec: { ...pod.spec, nodeName } });
  }
  async evict(victim: Pod): Promise<void> {
    this.cache.removePod(`${victim.metadata.namespace}/${victim.metadata.name}`);
  }
  async nominate(): Promise<void> {}
}

function buildCluster(scenario: ScenarioName, nodes: number): SchedulerCache {
  const shape = clusterFor(scenario, nodes);
  const cache = new SchedulerCache();
  cache.setNamespace('bench', {});
  const tainted = Math.round(nodes * shape.taintFraction);
  for (let i = 0; i < nodes; i++) {
    const gpu = i < tainted;
    cache.setNode(makeNode(`node-${i}`, {
      cpu: shape.cpu, memory: shape.memory, pods: shape.pods,
      labels: { 'topology.kubernetes.io/zone': `zone-${i % shape.zones}`, ...(gpu ? { [GPU_POOL_LABEL]: 'gpu' } : {}) },
      taints: gpu ? [GPU_TAINT] : undefined,
    }));
  }
  return cache;
}

async function run(scenario: ScenarioName, nodes: number, pods: number, percentage: number): Promise<void> {
  const cache = buildCluster(scenario, nodes);
  const api = new InMemoryApi(cache);
  const nominator = new PodNominator();
  const profile = defaultConfig().profiles[0]!;
  const fwk: Framework = buildFramework(profile, pluginRegistry, DEFAULT_PLUGINS, { snapshot: () => cache, api, nominator }, percentage,
    (node, pod) => nominator.nominatedTo(node, pod.priority, pod.key));
  let wave = pods;
  if (scenario === 'preemption') {
    // Fill every node to 100% cpu with low-priority pods, then send a wave of high-priority ones (a tenth of the pod count).
    for (let n = 0; n < nodes; n++) for (let k = 0; k < 4; k++) cache.setBoundPod({ ...fillerPod(`fill-${n}-${k}`, 'bench'), spec: { ...fillerPod('', '').spec, nodeName: `node-${n}` } });
    wave = Math.min(pods, nodes * 4);
  }
  const cycle = new Samples();
  let scheduled = 0;
  let preempted = 0;
  const started = performance.now();
  for (let i = 0; i < wave; i++) {
    const info = new PodInfo(scenarioPod(scenario, `p-${i}`, 'bench', i));
    const t0 = performance.now();
    const state = new CycleState();
    let outcome = findHost(fwk, cache, info, state);
    if (outcome.host === undefined && scenario === 'preemption') {
      const post = await fwk.runPostFilter(state, info, outcome.rejected);
      if (post?.nominatedNodeName) {
        // In memory the victims are gone at once: the next cycle places the pod on its nominated node.
        await new Promise((r) => setImmediate(r));
        preempted += post.victims ?? 0;
        outcome = findHost(fwk, cache, info, new CycleState());
        nominator.forget(info.key);
      }
    }
    if (outcome.host !== undefined) {
      cache.assume(info, outcome.host);
      scheduled++;
    }
    cycle.add(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  const u = utilization(cache);
  process.stdout.write(
    `core ${scenario.padEnd(10)} nodes=${nodes} pods=${wave} pct=${percentage || 'adaptive'}  ${(wave / seconds).toFixed(0).padStart(6)} pods/s  ` +
    `cycle p50=${cycle.percentile(50).toFixed(2)} ms p99=${cycle.percentile(99).toFixed(2)} ms  scheduled=${((100 * scheduled) / wave).toFixed(1)}%  ` +
    `cpu=${u.cpu.toFixed(1)}% mem=${u.memory.toFixed(1)}% node-cpu-stddev=${u.cpuStddev.toFixed(1)}%` +
    (scenario === 'preemption' ? `  victims=${preempted}` : '') +
    `  rss=${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\n`,
  );
}

for (const scenario of String(args.scenario).split(',') as ScenarioName[]) {
  if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scenario ${scenario}: choose from ${SCENARIOS.join(', ')}`);
  await run(scenario, Number(args.nodes), Number(args.pods), Number(args.percentage));
}
