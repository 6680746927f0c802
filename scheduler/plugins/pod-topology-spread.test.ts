import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { PluginArgsError, type FrameworkHandle } from '../framework/types.js';
import { makeNode, makePod, snapshotFor, type NodeShape } from '../testing/builders.js';
import type { TopologySpreadConstraintSpec } from './pod-topology-spread-constraints.js';
import { ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH } from './pod-topology-spread-filtering.js';
import { PodTopologySpread, podTopologySpreadArgs, podTopologySpreadFactory, POD_TOPOLOGY_SPREAD } from './pod-topology-spread.js';

const ZONE = 'topology.kubernetes.io/zone';

const spread = (extra: Partial<TopologySpreadConstraintSpec> = {}): TopologySpreadConstraintSpec =>
  ({ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...extra });
const web = (name: string, nodeName?: string, extra: Parameters<typeof makePod>[1] = {}): Pod =>
  makePod(name, { labels: { app: 'web' }, nodeName, ...extra });
const zoneNode = (name: string, zone: string | undefined, shape: NodeShape = {}) =>
  makeNode(name, { ...shape, labels: { ...(zone ? { [ZONE]: zone } : {}), ...shape.labels } });

function plugin(snap: Snapshot, args?: Record<string, unknown>): PodTopologySpread {
  return new PodTopologySpread(podTopologySpreadArgs(args), { snapshot: () => snap });
}

/** PreFilter then Filter on every node: node → 'ok' / '<code>: <reason>', or {skip: 'skip'} when PreFilter skips. */
function verdicts(snap: Snapshot, pod: Pod, pl = plugin(snap)): Record<string, string> {
  const state = new CycleState();
  const info = new PodInfo(pod);
  const pre = pl.preFilter(state, info, snap);
  if (pre?.code === 'Skip') return { skip: 'skip' };
  expect(pre).toBeUndefined();
  const out: Record<string, string> = {};
  for (const n of snap.nodes) {
    const s = pl.filter(state, info, n);
    out[n.name] = s ? `${s.code}: ${s.message()}` : 'ok';
  }
  return out;
}

const SKEW = `Unschedulable: ${ERR_REASON_CONSTRAINTS_NOT_MATCH}`;
const NO_LABEL = `UnschedulableAndUnresolvable: ${ERR_REASON_NODE_LABEL_NOT_MATCH}`;

describe('PodTopologySpread filter', () => {
  // Zone a holds 2 matching pods, b 1, c none.
  const cluster = () => snapshotFor(
    [zoneNode('a1', 'a'), zoneNode('a2', 'a'), zoneNode('b1', 'b'), zoneNode('c1', 'c')],
    [web('w0', 'a1'), web('w1', 'a2'), web('w2', 'b1'), makePod('other', { labels: { app: 'db' }, nodeName: 'c1' })],
  );

  it('keeps the skew across zones within maxSkew 1', () => {
    expect(verdicts(cluster(), web('new', undefined, { topologySpreadConstraints: [spread()] }))).toEqual({ a1: SKEW, a2: SKEW, b1: SKEW, c1: 'ok' });
    expect(verdicts(cluster(), web('new', undefined, { topologySpreadConstraints: [spread({ maxSkew: 2 })] }))).toEqual({ a1: SKEW, a2: SKEW, b1: 'ok', c1: 'ok' });
  });

  it("does not add 1 for a pod outside the constraint's selector", () => {
    const pod = makePod('db', { labels: { app: 'db' }, topologySpreadConstraints: [spread({ maxSkew: 2 })] });
    expect(verdicts(cluster(), pod)).toEqual({ a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok' });
  });

  it('treats the global minimum as 0 while fewer than minDomains domains exist', () => {
    const snap = () => snapshotFor([zoneNode('a1', 'a'), zoneNode('b1', 'b')], [web('w0', 'a1'), web('w1', 'b1')]);
    expect(verdicts(snap(), web('new', undefined, { topologySpreadConstraints: [spread()] }))).toEqual({ a1: 'ok', b1: 'ok' });
    expect(verdicts(snap(), web('new', undefined, { topologySpreadConstraints: [spread({ minDomains: 3 })] }))).toEqual({ a1: SKEW, b1: SKEW });
  });

  it('rejects nodes without the topology label as unresolvable', () => {
    const snap = snapshotFor([zoneNode('a1', 'a'), zoneNode('x', undefined)]);
    expect(verdicts(snap, web('new', undefined, { topologySpreadConstraints: [spread()] }))).toEqual({ a1: 'ok', x: NO_LABEL });
  });

  it('counts only nodes matching the pod node affinity unless nodeAffinityPolicy is Ignore', () => {
    const snap = () => snapshotFor(
      [zoneNode('a1', 'a', { labels: { disk: 'ssd' } }), zoneNode('b1', 'b', { labels: { disk: 'ssd' } }), zoneNode('c1', 'c', { labels: { disk: 'hdd' } })],
      [web('w0', 'a1'), web('w1', 'b1')],
    );
    const pod = (policy?: 'Honor' | 'Ignore') => web('new', undefined, { nodeSelector: { disk: 'ssd' }, topologySpreadConstraints: [spread({ nodeAffinityPolicy: policy })] });
    expect(verdicts(snap(), pod()).a1).toBe('ok');
    expect(verdicts(snap(), pod('Ignore')).a1).toBe(SKEW);
  });

  it('leaves out tainted nodes only with nodeTaintsPolicy Honor', () => {
    const taints = [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' as const }];
    const snap = () => snapshotFor([zoneNode('a1', 'a'), zoneNode('b1', 'b'), zoneNode('c1', 'c', { taints })], [web('w0', 'a1'), web('w1', 'b1')]);
    const pod = (policy?: 'Honor' | 'Ignore') => web('new', undefined, { topologySpreadConstraints: [spread({ nodeTaintsPolicy: policy })] });
    expect(verdicts(snap(), pod()).a1).toBe(SKEW);
    expect(verdicts(snap(), pod('Honor')).a1).toBe('ok');
  });

  it('merges matchLabelKeys into the selector', () => {
    const snap = snapshotFor([zoneNode('a1', 'a'), zoneNode('b1', 'b')],
      [web('old', 'a1', { labels: { app: 'web', rev: '1' } })]);
    const pod = (keys?: string[]) => web('new', undefined, { labels: { app: 'web', rev: '2' }, topologySpreadConstraints: [spread({ matchLabelKeys: keys })] });
    expect(verdicts(snap, pod()).a1).toBe(SKEW);
    expect(verdicts(snap, pod(['rev'])).a1).toBe('ok');
  });

  it('does not count terminating pods or pods of other namespaces', () => {
    const dying = web('w0', 'a1');
    dying.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    const snap = snapshotFor([zoneNode('a1', 'a'), zoneNode('b1', 'b')], [dying, web('w1', 'a1', { namespace: 'other' })]);
    expect(verdicts(snap, web('new', undefined, { topologySpreadConstraints: [spread()] }))).toEqual({ a1: 'ok', b1: 'ok' });
  });

  it('skips pods without DoNotSchedule constraints', () => {
    expect(verdicts(cluster(), web('new', undefined, { topologySpreadConstraints: [spread({ whenUnsatisfiable: 'ScheduleAnyway' })] }))).toEqual({ skip: 'skip' });
    expect(verdicts(cluster(), web('new'))).toEqual({ skip: 'skip' });
  });

  it('applies List default constraints to controlled pods only, with their labels as selector', () => {
    const args = { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' }] };
    const owned = web('new', undefined, { });
    owned.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1', controller: true }];
    expect(verdicts(cluster(), owned, plugin(cluster(), args))).toEqual({ a1: SKEW, a2: SKEW, b1: SKEW, c1: 'ok' });
    expect(verdicts(cluster(), web('bare'), plugin(cluster(), args))).toEqual({ skip: 'skip' });
  });

  it('addPod/removePod change the verdict on a clone only (preemption dry run)', () => {
    const snap = cluster();
    const pl = plugin(snap);
    const pod = new PodInfo(web('new', undefined, { topologySpreadConstraints: [spread()] }));
    const state = new CycleState();
    pl.preFilter(state, pod, snap);
    const [a1, a2, b1, c1] = snap.nodes;
    const dry = state.clone();
    // b: 1 → 0, so b is now the minimum with c and b1 fits.
    pl.removePod(dry, pod, b1!.pods.get('default/w2')!, b1!);
    expect(pl.filter(dry, pod, b1!)).toBeUndefined();
    expect(pl.filter(state, pod, b1!)?.message()).toBe(ERR_REASON_CONSTRAINTS_NOT_MATCH);
    // Pods in another namespace or not matching do not count.
    pl.addPod(dry, pod, new PodInfo(web('x', 'c1', { namespace: 'other' })), c1!);
    pl.addPod(dry, pod, new PodInfo(makePod('y', { labels: { app: 'db' }, nodeName: 'c1' })), c1!);
    expect(pl.filter(dry, pod, c1!)).toBeUndefined();
    // c: 0 → 2 makes b (0) the only minimum: c now exceeds the skew.
    pl.addPod(dry, pod, new PodInfo(web('z1', 'c1')), c1!);
    pl.addPod(dry, pod, new PodInfo(web('z2', 'c1')), c1!);
    expect(pl.filter(dry, pod, c1!)?.message()).toBe(ERR_REASON_CONSTRAINTS_NOT_MATCH);
    // Removing both pods of zone a: a 2 → 0 fits again.
    pl.removePod(dry, pod, a1!.pods.get('default/w0')!, a1!);
    pl.removePod(dry, pod, a2!.pods.get('default/w1')!, a2!);
    expect(pl.filter(dry, pod, a1!)).toBeUndefined();
    expect(pl.filter(state, pod, c1!)).toBeUndefined();
  });

  it('sees pods added since the previous cycle', () => {
    const snap = cluster();
    const pl = plugin(snap);
    const pod = web('new', undefined, { topologySpreadConstraints: [spread()] });
    expect(verdicts(snap, pod, pl).c1).toBe('ok');
    snap.nodes[3]!.addPod(new PodInfo(web('w3', 'c1')));
    snap.nodes[3]!.addPod(new PodInfo(web('w4', 'c1')));
    expect(verdicts(snap, pod, pl)).toEqual({ a1: SKEW, a2: SKEW, b1: 'ok', c1: SKEW });
  });
});

describe('PodTopologySpread args', () => {
  it('defaults to System defaulting', () => {
    expect(podTopologySpreadArgs(undefined)).toEqual({ defaultingType: 'System', defaultConstraints: [] });
    const list = podTopologySpreadArgs({ defaultingType: 'List', defaultConstraints: [{ maxSkew: 2, topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway' }] });
    expect(list.defaultConstraints[0]).toMatchObject({ maxSkew: 2, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore' });
  });

  const c = { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' };
  it.each([
    [{ defaultingType: 'Sometimes' }, 'defaultingType'],
    [{ defaultConstraints: [c] }, 'defaultConstraints'],
    [{ defaultingType: 'List', defaultConstraints: [{ ...c, maxSkew: 0 }] }, 'defaultConstraints[0].maxSkew'],
    [{ defaultingType: 'List', defaultConstraints: [{ ...c, topologyKey: '' }] }, 'defaultConstraints[0].topologyKey'],
    [{ defaultingType: 'List', defaultConstraints: [{ ...c, whenUnsatisfiable: 'Never' }] }, 'defaultConstraints[0].whenUnsatisfiable'],
    [{ defaultingType: 'List', defaultConstraints: [{ ...c, labelSelector: { matchLabels: { a: 'b' } } }] }, 'defaultConstraints[0].labelSelector'],
    [{ defaultingType: 'List', defaultConstraints: [c, { ...c, maxSkew: 4 }] }, 'defaultConstraints[1]'],
    [{ defaultingType: 'List', defaultConstraints: [{ ...c, nodeTaintsPolicy: 'Maybe' }] }, 'defaultConstraints[0].nodeTaintsPolicy'],
    [{ defaultingType: 'List', defaultConstraints: [{ ...c, maxskew: 1 }] }, 'defaultConstraints[0].maxskew'],
  ])('rejects %j naming the field', (args, field) => {
    // The factory validates before it touches the handle.
    expect(() => podTopologySpreadFactory(args, undefined as unknown as FrameworkHandle)).toThrow(PluginArgsError);
    expect(() => podTopologySpreadArgs(args)).toThrow(expect.objectContaining({ plugin: POD_TOPOLOGY_SPREAD, field }));
  });
});
