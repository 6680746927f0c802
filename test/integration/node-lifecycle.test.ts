import { ApiError } from '../../api/errors.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Event, Node, Pod, Taint } from '../../api/types/core.js';
import { HollowNodes, type HollowNodesConfig } from '../../agent/sim/hollow-nodes.js';
import { NodeLifecycleController } from '../../control/controllers/nodelifecycle/node-lifecycle-controller.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor, within } from '../harness/wait.js';

const PREFIX = `nl${process.pid}`;
const NS = `${PREFIX}-ns`;
const UNREACHABLE = 'node.kubernetes.io/unreachable';
/** The registry's default toleration for this run: short, so eviction can be watched. */
const TOLERATION_SECONDS = 2;

let cluster: TestCluster;
let controller: NodeLifecycleController;
const fleets: HollowNodes[] = [];

/** A fleet in its own region, so each scenario's zone holds only its own nodes. */
function fleetConfig(name: string, nodes: number, region: string): HollowNodesConfig {
  return {
    nodes, namePrefix: `${PREFIX}-${name}`, zones: 1, region: `${PREFIX}-${region}`,
    capacity: { cpu: '4', memory: '16Gi', pods: '110' }, taints: [], taintFraction: 0,
    startDelayMs: 0, leaseIntervalMs: 400, agentVersion: 'v-test',
  };
}

async function startFleet(config: HollowNodesConfig): Promise<HollowNodes> {
  const fleet = new HollowNodes(cluster.newClient(), config);
  fleets.push(fleet);
  await within(`registering fleet ${config.namePrefix}`, fleet.start(), 20_000);
  return fleet;
}

const nodes = () => cluster.client.resource<Node>('nodes');
const pods = () => cluster.client.resource<Pod>('pods');
const taintOf = (node: Node, effect: Taint['effect']): Taint | undefined =>
  node.spec?.taints?.find((t) => t.key.startsWith('node.kubernetes.io/') && t.effect === effect);
const ready = (obj: Node | Pod): string | undefined => obj.status?.conditions?.find((c) => c.type === 'Ready')?.status;

async function boundPod(name: string, node: string, extra: Partial<Pod['spec']> = {}): Promise<Pod> {
  return pods().create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }], ...extra } });
}

beforeAll(async () => {
  cluster = await startTestCluster({ defaultUnreachableTolerationSeconds: TOLERATION_SECONDS });
  await cluster.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  controller = new NodeLifecycleController(cluster.newClient(), { evictionRate: 0.5 });
  await controller.start();
}, 60_000);

afterAll(async () => {
  for (const f of fleets) await f.stop().catch(() => {});
  await controller?.stop();
  await cluster?.stop();
});

describe('node lifecycle', () => {
  const dead = fleetConfig('a-dead', 1, 'a');
  const node = `hollow-${dead.namePrefix}-00001`;

  it('marks a node whose lease stops Unknown and taints it within 5 s; evicts its pods after their toleration', async () => {
    await startFleet(fleetConfig('a-live', 2, 'a'));
    const fleet = await startFleet(dead);
    const defaulted = await boundPod(`${PREFIX}-defaulted`, node);
    expect(defaulted.spec.tolerations).toContainEqual({ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: TOLERATION_SECONDS });
    await boundPod(`${PREFIX}-forever`, node, { tolerations: [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }] });
    await waitFor('pods Ready on the node', async () => (await pods().list({ namespace: NS })).items.every((p) => ready(p) === 'True'));
    await new Promise((r) => setTimeout(r, 1500)); // healthy for a while: nothing happens
    expect(taintOf(await nodes().get(node), 'NoExecute')).toBeUndefined();

    await fleet.stop();
    const stopped = Date.now();
    const tainted = await waitFor('the node Unknown and tainted unreachable:NoExecute', async () => {
      const n = await nodes().get(node);
      return ready(n) === 'Unknown' && taintOf(n, 'NoExecute') ? n : undefined;
    }, 8000);
    const taintedAt = Date.now();
    expect(taintedAt - stopped).toBeLessThan(5000);
    expect(tainted.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(tainted.status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status).toBe('Unknown');
    expect(taintOf(tainted, 'NoExecute')).toMatchObject({ key: UNREACHABLE, timeAdded: expect.any(String) });
    expect(taintOf(tainted, 'NoSchedule')).toMatchObject({ key: UNREACHABLE });

    await waitFor('its pods marked not Ready', async () => (await pods().list({ namespace: NS })).items.every((p) => ready(p) === 'False'));
    const evicted = await waitFor('the defaulted pod evicted', async () => {
      const p = await pods().get(`${PREFIX}-defaulted`, NS);
      return p.metadata.deletionTimestamp ? Date.now() : undefined;
    }, 10_000);
    expect(evicted - taintedAt).toBeGreaterThan(TOLERATION_SECONDS * 1000 - 600);
    expect((await pods().get(`${PREFIX}-forever`, NS)).metadata.deletionTimestamp).toBeUndefined();

    const events = (await cluster.client.resource<Event>('events').list()).items;
    expect(events).toContainEqual(expect.objectContaining({ reason: 'NodeNotReady', involvedObject: expect.objectContaining({ kind: 'Node', name: node }) }));
    expect(events).toContainEqual(expect.objectContaining({ reason: 'TaintManagerEviction', involvedObject: expect.objectContaining({ kind: 'Pod', name: `${PREFIX}-defaulted` }) }));
  }, 40_000);

  it('removes the taints when the node comes back', async () => {
    await startFleet(dead);
    const back = await waitFor('the node Ready without lifecycle taints', async () => {
      const n = await nodes().get(node);
      return ready(n) === 'True' && !taintOf(n, 'NoExecute') && !taintOf(n, 'NoSchedule') ? n : undefined;
    }, 5000);
    expect(back.spec?.taints ?? []).toEqual([]);
  }, 30_000);

  it('evicts a pod after its tolerationSeconds for a NoExecute taint an admin added without timeAdded', async () => {
    const manual = fleetConfig('manual', 1, 'm');
    await startFleet(manual);
    const target = `hollow-${manual.namePrefix}-00001`;
    await boundPod('tolerates-2s', target, { tolerations: [{ key: 'maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }] });
    await boundPod('tolerates-forever', target, { tolerations: [{ key: 'maintenance', operator: 'Exists', effect: 'NoExecute' }] });
    const n = await nodes().get(target);
    await nodes().update({ ...n, spec: { ...n.spec, taints: [...(n.spec?.taints ?? []), { key: 'maintenance', effect: 'NoExecute' }] } });
    const started = Date.now();
    // Evicted: deleting, or already gone (the hollow node confirms a deletion at once).
    await waitFor('the 2 s pod evicted', async () => {
      const pod = await pods().get('tolerates-2s', NS).catch((err: unknown) => (err instanceof ApiError && err.code === 404 ? null : undefined));
      return pod === null || !!pod?.metadata.deletionTimestamp;
    }, 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect((await pods().get('tolerates-forever', NS)).metadata.deletionTimestamp).toBeUndefined();
  }, 30_000);

  it('taints several dead nodes one at a time, at the eviction rate', async () => {
    await startFleet(fleetConfig('b-live', 6, 'b'));
    const fleet = await startFleet(fleetConfig('b-dead', 3, 'b'));
    const names = fleet.nodeNames;
    await fleet.stop();
    const noScheduleAt = new Map<string, number>();
    const noExecuteAt = new Map<string, number>();
    await waitFor('all three tainted NoExecute', async () => {
      for (const n of (await nodes().list({ labelSelector: `node.cairn.dev/hollow-fleet=${PREFIX}-b-dead` })).items) {
        if (taintOf(n, 'NoSchedule') && !noScheduleAt.has(n.metadata.name!)) noScheduleAt.set(n.metadata.name!, Date.now());
        if (taintOf(n, 'NoExecute') && !noExecuteAt.has(n.metadata.name!)) noExecuteAt.set(n.metadata.name!, Date.now());
      }
      return noExecuteAt.size === names.length;
    }, 20_000);
    const times = [...noExecuteAt.values()].sort((a, b) => a - b);
    // 0.5 nodes/s: one every 2 s (the first at once); NoSchedule is not rate limited.
    expect(times[1]! - times[0]!).toBeGreaterThan(1500);
    expect(times[2]! - times[1]!).toBeGreaterThan(1500);
    const schedule = [...noScheduleAt.values()].sort((a, b) => a - b);
    expect(schedule[2]! - schedule[0]!).toBeLessThan(1500);
  }, 40_000);

  it('does not evict from a zone where most nodes look dead (partial disruption): only NoSchedule', async () => {
    await startFleet(fleetConfig('c-live', 2, 'c'));
    const fleet = await startFleet(fleetConfig('c-dead', 4, 'c'));
    await fleet.stop();
    const selector = `node.cairn.dev/hollow-fleet=${PREFIX}-c-dead`;
    await waitFor('the dead nodes Unknown and NoSchedule-tainted', async () =>
      (await nodes().list({ labelSelector: selector })).items.every((n) => ready(n) === 'Unknown' && taintOf(n, 'NoSchedule')), 10_000);
    // The first to go silent may be tainted at once, while the zone still looks Normal; then the zone is
    // PartialDisruption and, being small, evicts no more (at 0.5 nodes/s the rest would follow within 4 s).
    await new Promise((r) => setTimeout(r, 4500));
    const tainted = (await nodes().list({ labelSelector: selector })).items.filter((n) => taintOf(n, 'NoExecute'));
    expect(tainted.length).toBeLessThanOrEqual(1);
    expect([...controller.zoneStates.values()]).toContain('PartialDisruption');
  }, 40_000);
});
