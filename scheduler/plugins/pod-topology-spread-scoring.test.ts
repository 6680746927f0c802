import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { makeNode, makePod, snapshotFor } from '../testing/builders.js';
import { PodTopologySpread, podTopologySpreadArgs } from './pod-topology-spread.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const soft = (topologyKey: string, maxSkew = 1) =>
  ({ maxSkew, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } });
const web = (name: string, nodeName?: string, extra: Parameters<typeof makePod>[1] = {}): Pod => makePod(name, { labels: { app: 'web' }, nodeName, ...extra });
const zoneNode = (name: string, zone?: string) => makeNode(name, { labels: zone ? { [ZONE]: zone } : {} });

/** Normalized scores by node name over all nodes as feasible, or 'skip' when PreScore skips. */
function scores(snap: Snapshot, pod: Pod, args?: Record<string, unknown>): Record<string, number> | 'skip' {
  const pl = new PodTopologySpread(podTopologySpreadArgs(args), { snapshot: () => snap });
  const state = new CycleState();
  const info = new PodInfo(pod);
  if (pl.preScore(state, info, snap.nodes)?.code === 'Skip') return 'skip';
  const list = snap.nodes.map((n) => ({ name: n.name, score: pl.score(state, info, n) }));
  pl.normalizeScore(state, info, list);
  return Object.fromEntries(list.map((s) => [s.name, s.score]));
}

// Zone a holds 2 matching pods (both on a1), b 1, c none.
const cluster = (extraNodes: ReturnType<typeof makeNode>[] = []) => snapshotFor(
  [zoneNode('a1', 'a'), zoneNode('a2', 'a'), zoneNode('b1', 'b'), zoneNode('c1', 'c'), ...extraNodes],
  [web('w0', 'a1'), web('w1', 'a1'), web('w2', 'b1')],
);

describe('PodTopologySpread score', () => {
  it('ranks zones with fewer matching pods higher', () => {
    expect(scores(cluster(), web('new', undefined, { topologySpreadConstraints: [soft(ZONE)] }))).toEqual({ a1: 0, a2: 0, b1: 33, c1: 100 });
  });

  it('spreads per node for hostname constraints', () => {
    expect(scores(cluster(), web('new', undefined, { topologySpreadConstraints: [soft(HOST)] }))).toEqual({ a1: 0, a2: 100, b1: 50, c1: 100 });
  });

  it('scores nodes lacking a topology key 0 when the pod names its constraints', () => {
    const s = scores(cluster([zoneNode('x')]), web('new', undefined, { topologySpreadConstraints: [soft(ZONE)] }));
    expect(s).toEqual({ a1: 0, a2: 0, b1: 33, c1: 100, x: 0 });
  });

  it('skips pods with only DoNotSchedule constraints, and pods without constraints or a controller', () => {
    expect(scores(cluster(), web('new', undefined, { topologySpreadConstraints: [{ ...soft(ZONE), whenUnsatisfiable: 'DoNotSchedule' }] }))).toBe('skip');
    expect(scores(cluster(), web('new'))).toBe('skip');
  });

  it('spreads ReplicaSet pods by the system defaults, also onto nodes without a zone', () => {
    const pod = web('new');
    pod.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1', controller: true }];
    const s = scores(cluster([zoneNode('x')]), pod);
    expect(s).not.toBe('skip');
    const r = s as Record<string, number>;
    expect(r.a1).toBeLessThan(r.a2!);
    expect(r.b1).toBeLessThan(r.c1!);
    expect(r.x).toBeGreaterThan(r.a1!);
    expect(scores(cluster(), pod, { defaultingType: 'List' })).toBe('skip');
  });
});
