import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Event, Pod } from '../../api/types/core.js';
import { HollowNodes, type HollowNodesConfig } from '../../agent/sim/hollow-nodes.js';
import { parseSchedulerConfig } from '../../scheduler/config/scheduler-config.js';
import { pluginRegistry } from '../../scheduler/plugins/registry.js';
import { Scheduler } from '../../scheduler/scheduler.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor, within } from '../harness/wait.js';

const PREFIX = `sch${process.pid}`;
const fleetConfig = (namePrefix: string, nodes: number, cpu: string, extra: Partial<HollowNodesConfig> = {}): HollowNodesConfig => ({
  nodes, namePrefix, zones: 3,
  capacity: { cpu, memory: '8Gi', 'ephemeral-storage': '100Gi', pods: '110' },
  taints: [], taintFraction: 0, startDelayMs: 0, leaseIntervalMs: 10_000, agentVersion: 'v-test', ...extra,
});

let cluster: TestCluster;
let scheduler: Scheduler;
const fleets: HollowNodes[] = [];
const NS = 'scheduling';

async function startFleet(config: HollowNodesConfig): Promise<HollowNodes> {
  const fleet = new HollowNodes(cluster.newClient(), config);
  fleets.push(fleet);
  await within(`registering ${config.nodes} hollow nodes`, fleet.start(), 30_000);
  return fleet;
}

function pod(name: string, spec: Partial<Pod['spec']> = {}, labels: Record<string, string> = {}, cpu = '100m'): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu, memory: '64Mi' } } }], ...spec },
  };
}

const pods = () => cluster.client.resource<Pod>('pods');
const get = (name: string): Promise<Pod> => pods().get(name, NS);
const boundNode = (name: string): Promise<string> => waitFor(`${name} bound`, async () => (await get(name)).spec.nodeName, 15_000);
const eventsFor = async (name: string): Promise<Event[]> =>
  (await cluster.client.resource<Event>('events').list({ namespace: NS })).items.filter((e) => e.involvedObject.name === name);

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await startFleet(fleetConfig(PREFIX, 3, '2'));
  const config = parseSchedulerConfig({
    podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 2,
    profiles: [
      { schedulerName: 'default-scheduler' },
      {
        schedulerName: 'bin-packing',
        plugins: { score: { disabled: [{ name: 'NodeResourcesBalancedAllocation' }, { name: 'PodTopologySpread' }] } },
        pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }],
      },
    ],
  }, new Set(pluginRegistry.keys()));
  scheduler = new Scheduler({ client: cluster.newClient(), config });
  await scheduler.start();
});

afterAll(async () => {
  await scheduler?.stop();
  for (const f of fleets) await f.stop().catch(() => {});
  await cluster?.stop();
});

describe('scheduler (real registry, etcd and hollow nodes)', () => {
  const node = (i: number): string => `hollow-${PREFIX}-0000${i}`;

  it('binds a pod, runs it, and records a Scheduled event', async () => {
    await pods().create(pod('plain'));
    const nodeName = await boundNode('plain');
    expect(nodeName).toMatch(new RegExp(`^hollow-${PREFIX}-`));
    await waitFor('plain running', async () => (await get('plain')).status?.phase === 'Running');
    await waitFor('a Scheduled event', async () => (await eventsFor('plain')).find((e) => e.reason === 'Scheduled' && e.message === `Successfully assigned ${NS}/plain to ${nodeName}`));
  });

  it('honours nodeSelector, node affinity and required anti-affinity', async () => {
    await pods().create(pod('pinned', { nodeSelector: { 'kubernetes.io/hostname': node(2) } }));
    expect(await boundNode('pinned')).toBe(node(2));
    await pods().create(pod('zone-1', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-1'] }] }] } } },
    }));
    expect(await boundNode('zone-1')).toBe(node(2)); // nodes 1..3 are in zones 0..2
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'spread' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    for (let i = 0; i < 3; i++) await pods().create(pod(`spread-${i}`, { affinity: anti }, { app: 'spread' }));
    const placed = await Promise.all([0, 1, 2].map((i) => boundNode(`spread-${i}`)));
    expect(new Set(placed).size).toBe(3);
    // A fourth replica has nowhere to go: every node already runs one.
    await pods().create(pod('spread-3', { affinity: anti }, { app: 'spread' }));
    const cond = await waitFor('spread-3 marked unschedulable', async () => (await get('spread-3')).status?.conditions?.find((c) => c.type === 'PodScheduled'));
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(cond.message).toMatch(/^0\/3 nodes are available: 3 node\(s\) didn't match pod anti-affinity rules\./);
  });

  it('explains an unschedulable pod kubectl-style, then schedules it when a node that fits is added', async () => {
    await pods().create(pod('huge', {}, {}, '16'));
    const cond = await waitFor('huge marked unschedulable', async () => (await get('huge')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'));
    expect(cond.message).toMatch(/^0\/3 nodes are available: 3 Insufficient cpu\./);
    await waitFor('a FailedScheduling event', async () => (await eventsFor('huge')).find((e) => e.reason === 'FailedScheduling' && e.type === 'Warning' && /Insufficient cpu/.test(e.message ?? '')));
    await startFleet(fleetConfig(`${PREFIX}big`, 1, '32'));
    expect(await boundNode('huge')).toBe(`hollow-${PREFIX}big-00001`);
    // The new node also woke the anti-affine replica that had nowhere to go.
    expect(await boundNode('spread-3')).toBe(`hollow-${PREFIX}big-00001`);
  });

  it('preempts a lower-priority pod for a higher-priority one, and both objects show it', async () => {
    await cluster.client.resource('priorityclasses').create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: `${PREFIX}-high` }, value: 1000 } as never);
    // Fill the big node (32 cpu) with a low-priority pod; then a high-priority pod needs that room.
    await pods().create(pod('low', { nodeSelector: { 'kubernetes.io/hostname': `hollow-${PREFIX}big-00001` } }, {}, '15'));
    await boundNode('low');
    await pods().create(pod('high', { priorityClassName: `${PREFIX}-high` }, {}, '20'));
    const victim = await waitFor('the victim marked', async () => {
      const p = await get('low').catch(() => undefined);
      return p?.status?.conditions?.find((c) => c.type === 'DisruptionTarget') ? p : undefined;
    });
    expect(victim.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'PreemptionByScheduler' });
    await waitFor('a Preempted event on the victim', async () => (await eventsFor('low')).find((e) => e.reason === 'Preempted' && /Preempted by pod scheduling\/high/.test(e.message ?? '')));
    expect(await boundNode('high')).toBe(`hollow-${PREFIX}big-00001`);
    expect((await get('high')).spec.priority).toBe(1000);
    await waitFor('the victim gone', async () => !(await get('low').catch(() => undefined)));
  });

  it('resolves priority classes at admission and refuses an unknown one', async () => {
    await expect(pods().create(pod('classless', { priorityClassName: 'no-such-class' }))).rejects.toThrow(/no PriorityClass with name no-such-class was found/);
    const critical = await pods().create(pod('critical', { priorityClassName: 'system-node-critical', nodeSelector: { none: 'x' } }));
    expect(critical.spec.priority).toBe(2_000_001_000);
    expect(critical.spec.preemptionPolicy).toBe('PreemptLowerPriority');
  });

  it('uses the profile a pod names: bin-packing stacks pods on the fullest node', async () => {
    const names = ['pack-0', 'pack-1', 'pack-2'];
    for (const n of names) await pods().create(pod(n, { schedulerName: 'bin-packing', nodeSelector: { 'topology.kubernetes.io/zone': 'zone-0' } }, {}, '300m'));
    const placed = await Promise.all(names.map(boundNode));
    expect(new Set(placed).size).toBe(1);
    // A pod naming a scheduler nobody runs stays pending and untouched.
    await pods().create(pod('other', { schedulerName: 'someone-else' }));
    await new Promise((r) => setTimeout(r, 500));
    expect((await get('other')).spec.nodeName).toBeUndefined();
    expect((await get('other')).status?.conditions?.find((c) => c.type === 'PodScheduled')).toBeUndefined();
  });

  it('exports attempts, queue depths and latency on /metrics', async () => {
    const text = await scheduler.metrics.registry.metrics();
    expect(text).toMatch(/scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} [1-9]/);
    expect(text).toMatch(/scheduler_schedule_attempts_total\{result="unschedulable",profile="default-scheduler"\} [1-9]/);
    expect(text).toMatch(/scheduler_pending_pods\{queue="unschedulable"\} 1/); // "critical": no node has its label
    expect(text).toMatch(/scheduler_preemption_attempts_total [1-9]/);
    expect(text).toMatch(/scheduler_pod_scheduling_sli_duration_seconds_count\{attempts="1"\} [1-9]/);
  });
});
