/**
 * The plugins keep per-node results across cycles (NodeMemo, ExistingTermsIndex). A long-lived plugin must
 * always agree with a fresh one, which computes everything from scratch, whatever changed in between.
 */
import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import { PodInfo } from '../framework/pod-info.js';
import { snapshotOf } from '../framework/snapshot.js';
import { makeNode, makePod, nodeInfos } from '../testing/builders.js';
import { InterPodAffinity, interPodAffinityArgs } from './inter-pod-affinity.js';
import { PodTopologySpread, podTopologySpreadArgs } from './pod-topology-spread.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Plugin = InterPodAffinity | PodTopologySpread;

function randomPod(r: () => number, name: string, nodeName?: string): Pod {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const app = pick(['a', 'b', 'c']);
  const term = () => ({ labelSelector: { matchLabels: { app: pick(['a', 'b', 'c']) } }, topologyKey: pick([ZONE, HOST]) });
  const affinity: Record<string, unknown> = {};
  if (r() < 0.3) affinity.podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [term()], preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 7, podAffinityTerm: term() }] };
  if (r() < 0.3) affinity.podAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [term()], preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 3, podAffinityTerm: term() }] };
  const spread = r() < 0.5 ? [{ maxSkew: 1, topologyKey: pick([ZONE, HOST]), whenUnsatisfiable: pick(['DoNotSchedule', 'ScheduleAnyway']), labelSelector: { matchLabels: { app } } }] : undefined;
  return makePod(name, { namespace: pick(['default', 'other']), labels: { app }, nodeName, affinity, topologySpreadConstraints: spread });
}

function outcome(pl: Plugin, nodes: NodeInfo[], pod: PodInfo): string[] {
  const snap = snapshotOf(nodes, { default: {}, other: {} });
  const state = new CycleState();
  const pre = pl.preFilter(state, pod, snap);
  const out = nodes.map((n) => (pre?.code === 'Skip' ? 'skip' : pl.filter(state, pod, n)?.message() ?? 'ok'));
  if (pl.preScore(state, pod, nodes)?.code !== 'Skip') {
    const scores = nodes.map((n) => ({ name: n.name, score: pl.score(state, pod, n) }));
    pl.normalizeScore(state, pod, scores);
    out.push(scores.map((s) => s.score).join(','));
  }
  return out;
}

describe.each<[string, (nodes: () => NodeInfo[]) => Plugin]>([
  ['InterPodAffinity', (nodes: () => NodeInfo[]) => new InterPodAffinity(interPodAffinityArgs(undefined), { snapshot: () => snapshotOf(nodes(), { default: {}, other: {} }) })],
  ['PodTopologySpread', (nodes: () => NodeInfo[]) => new PodTopologySpread(podTopologySpreadArgs(undefined), { snapshot: () => snapshotOf(nodes(), { default: {}, other: {} }) })],
])('%s across cycles', (_name, make) => {
  it('agrees with a fresh plugin after random pod and node changes', () => {
    const r = rng(42);
    let nodes = nodeInfos(Array.from({ length: 6 }, (_, i) => makeNode(`n${i}`, { labels: { [ZONE]: `z${i % 3}` } })));
    const longLived = make(() => nodes);
    let seq = 0;
    for (let round = 0; round < 120; round++) {
      const change = r();
      const node = nodes[Math.floor(r() * nodes.length)]!;
      if (change < 0.5) node.addPod(new PodInfo(randomPod(r, `p${seq++}`, node.name)));
      else if (change < 0.75 && node.pods.size > 0) node.removePod([...node.pods.keys()][0]!);
      else if (change < 0.85) node.setNode(makeNode(node.name, { labels: r() < 0.8 ? { [ZONE]: `z${Math.floor(r() * 3)}` } : {} }));
      else nodes = nodes.map((n) => (n === node ? n.clone() : n));
      const pod = new PodInfo(randomPod(r, `incoming${round}`));
      expect(outcome(longLived, nodes, pod)).toEqual(outcome(make(() => nodes), nodes, pod));
    }
  });
});
