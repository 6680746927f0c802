import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { makeNode, makePod, snapshotFor } from '../testing/builders.js';
import { normalizeAffinityScores } from './inter-pod-affinity-scoring.js';
import { InterPodAffinity, interPodAffinityArgs } from './inter-pod-affinity.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

const term = (app: string, topologyKey: string) => ({ labelSelector: { matchLabels: { app } }, topologyKey });
const preferred = (kind: 'podAffinity' | 'podAntiAffinity', ...terms: [string, string, number][]) => ({
  [kind]: { preferredDuringSchedulingIgnoredDuringExecution: terms.map(([app, key, weight]) => ({ weight, podAffinityTerm: term(app, key) })) },
});

// Zone a: n1, n2; zone b: n3, n4.
const nodes = () => ['a', 'a', 'b', 'b'].map((zone, i) => makeNode(`n${i + 1}`, { labels: { [ZONE]: zone } }));

/** Normalized scores by node name, or 'skip' when PreScore skips. */
function scores(snap: Snapshot, pod: Pod, args?: Record<string, unknown>): Record<string, number> | 'skip' {
  const pl = new InterPodAffinity(interPodAffinityArgs(args), { snapshot: () => snap });
  const state = new CycleState();
  const info = new PodInfo(pod);
  const pre = pl.preScore(state, info);
  if (pre?.code === 'Skip') return 'skip';
  const list = snap.nodes.map((n) => ({ name: n.name, score: pl.score(state, info, n) }));
  pl.normalizeScore(state, info, list);
  return Object.fromEntries(list.map((s) => [s.name, s.score]));
}

describe('InterPodAffinity score', () => {
  it('prefers the zone holding pods the incoming pod prefers, by weight', () => {
    const snap = snapshotFor(nodes(), [
      makePod('cache-0', { labels: { app: 'cache' }, nodeName: 'n1' }),
      makePod('db-0', { labels: { app: 'db' }, nodeName: 'n3' }),
    ]);
    const pod = makePod('web', { affinity: preferred('podAffinity', ['cache', ZONE, 10], ['db', ZONE, 5]) });
    expect(scores(snap, pod)).toEqual({ n1: 100, n2: 100, n3: 0, n4: 0 });
  });

  it('avoids nodes holding pods the incoming pod prefers to avoid', () => {
    const snap = snapshotFor(nodes(), [
      makePod('db-0', { labels: { app: 'db' }, nodeName: 'n1' }),
      makePod('db-1', { labels: { app: 'db' }, nodeName: 'n1' }),
      makePod('db-2', { labels: { app: 'db' }, nodeName: 'n2' }),
    ]);
    const pod = makePod('web', { affinity: preferred('podAntiAffinity', ['db', HOST, 50]) });
    expect(scores(snap, pod)).toEqual({ n1: 0, n2: 50, n3: 100, n4: 100 });
  });

  it("counts existing pods' required affinity toward the pod with hardPodAffinityWeight", () => {
    const needsWeb = makePod('sidecar', { labels: { app: 'sidecar' }, nodeName: 'n4', affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', HOST)] } } });
    const snap = snapshotFor(nodes(), [needsWeb]);
    const web = makePod('web', { labels: { app: 'web' } });
    expect(scores(snap, web)).toEqual({ n1: 0, n2: 0, n3: 0, n4: 100 });
    expect(scores(snap, web, { hardPodAffinityWeight: 0 })).toBe('skip');
  });

  it("counts existing pods' preferred terms toward the pod unless told to ignore them", () => {
    const shy = makePod('shy', { labels: { app: 'shy' }, nodeName: 'n2', affinity: preferred('podAntiAffinity', ['web', ZONE, 30]) });
    const snap = snapshotFor(nodes(), [shy]);
    const web = makePod('web', { labels: { app: 'web' } });
    expect(scores(snap, web)).toEqual({ n1: 0, n2: 0, n3: 100, n4: 100 });
    expect(scores(snap, web, { ignorePreferredTermsOfExistingPods: true })).toBe('skip');
    // A pod with preferred terms of its own still sees them (kube-scheduler's rule).
    const picky = makePod('web', { labels: { app: 'web' }, affinity: preferred('podAffinity', ['none', ZONE, 1]) });
    expect(scores(snap, picky, { ignorePreferredTermsOfExistingPods: true })).toEqual({ n1: 0, n2: 0, n3: 100, n4: 100 });
  });

  it('skips when nothing matches', () => {
    const snap = snapshotFor(nodes(), [makePod('x', { nodeName: 'n1' })]);
    expect(scores(snap, makePod('web', { affinity: preferred('podAffinity', ['cache', ZONE, 10]) }))).toBe('skip');
  });

  it('normalizes min-max onto 0..100 with kube-scheduler rounding', () => {
    const list = [{ name: 'a', score: -20 }, { name: 'b', score: 9 }, { name: 'c', score: 80 }];
    normalizeAffinityScores(list);
    expect(list.map((s) => s.score)).toEqual([0, 28, 100]);
    const flat = [{ name: 'a', score: 7 }, { name: 'b', score: 7 }];
    normalizeAffinityScores(flat);
    expect(flat.map((s) => s.score)).toEqual([0, 0]);
  });
});
