/**
 * InterPodAffinity's PreScore/Score/NormalizeScore, after kube-scheduler's interpodaffinity/scoring.go.
 * A node's raw score is the sum, over topology pairs it belongs to, of:
 *  + weight × pods there matching each of the incoming pod's preferred affinity terms,
 *  − weight × pods there matching each of its preferred anti-affinity terms,
 *  + hardPodAffinityWeight per existing pod there whose required affinity matches the incoming pod,
 *  ± weight per existing pod there whose preferred (anti-)affinity matches the incoming pod.
 * Cost per cycle: O(N) for the incoming pod's preferred terms (all nodes) plus O(nodes holding pods with
 * affinity) for existing pods' terms, pods re-examined only on nodes changed since last seen (NodeMemo);
 * kube-scheduler walks every pod (or every pod with affinity) each cycle. Score is O(distinct keys) per node.
 */
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { MAX_NODE_SCORE, type NodeScore } from '../framework/types.js';
import { matchCountTable, NO_DELTAS, type AffinityMemos, type PairDelta } from './inter-pod-affinity-filtering.js';
import { incomingPodKey, resolveTerm, termMatchesIncoming } from './inter-pod-affinity-terms.js';
import { TopologyCounts } from './inter-pod-affinity-topology-counts.js';

export const PRE_SCORE_STATE_KEY = 'PreScoreInterPodAffinity';

export interface ScoringArgs {
  hardPodAffinityWeight: number;
  ignorePreferredTermsOfExistingPods: boolean;
}

/** What existing pods on a node want of `pod`, as signed weights on the node's topology pairs. */
function existingPreferenceDeltas(pod: PodInfo, nsLabels: Record<string, string> | undefined, hardWeight: number) {
  return (node: NodeInfo): readonly PairDelta[] => {
    let out: PairDelta[] | undefined;
    const labels = node.labels;
    const pull = (topologyKey: string, delta: number): void => {
      const value = labels[topologyKey];
      if (value !== undefined) (out ??= []).push({ topologyKey, value, delta });
    };
    for (const existing of node.podsWithAffinity) {
      if (hardWeight > 0) {
        for (const t of existing.requiredAffinity) if (termMatchesIncoming(t, pod, nsLabels)) pull(t.topologyKey, hardWeight);
      }
      for (const t of existing.preferredAffinity) if (termMatchesIncoming(t, pod, nsLabels)) pull(t.topologyKey, t.weight);
      for (const t of existing.preferredAntiAffinity) if (termMatchesIncoming(t, pod, nsLabels)) pull(t.topologyKey, -t.weight);
    }
    return out ?? NO_DELTAS;
  };
}

/**
 * The score per topology pair, or undefined when there is nothing to score (Skip). With
 * ignorePreferredTermsOfExistingPods, a pod without preferred terms of its own skips scoring entirely;
 * a pod with some still sees existing pods' terms, as in kube-scheduler.
 */
export function computeTopologyScore(pod: PodInfo, snapshot: Snapshot, memos: AffinityMemos, args: ScoringArgs): TopologyCounts | undefined {
  const hasPreferred = pod.preferredAffinity.length + pod.preferredAntiAffinity.length > 0;
  if (args.ignorePreferredTermsOfExistingPods && !hasPreferred) return undefined;
  const scores = new TopologyCounts();
  const live = snapshot.nodes.length;

  if (hasPreferred) {
    const terms = [
      ...pod.preferredAffinity.map((t) => ({ term: resolveTerm(t, snapshot), sign: 1 })),
      ...pod.preferredAntiAffinity.map((t) => ({ term: resolveTerm(t, snapshot), sign: -1 })),
    ];
    const tables = terms.map(({ term }) => matchCountTable(memos, [term]));
    for (const node of snapshot.nodes) {
      for (let i = 0; i < terms.length; i++) {
        const n = tables[i]!.get(node);
        if (n > 0) scores.addForNode(node.labels, terms[i]!.term.topologyKey, terms[i]!.sign * terms[i]!.term.weight * n);
      }
    }
    for (const t of tables) t.trim(live);
  }

  const nodes = snapshot.nodesWithAffinityPods;
  if (nodes.length > 0) {
    const nsLabels = snapshot.namespaceLabels(pod.namespace);
    const table = memos.existingPreferences.table(incomingPodKey(pod, nsLabels), existingPreferenceDeltas(pod, nsLabels, args.hardPodAffinityWeight));
    for (const node of nodes) for (const d of table.get(node)) scores.add(d.topologyKey, d.value, d.delta);
    table.trim(live);
  }
  return scores.isEmpty ? undefined : scores;
}

/** Min-max scaling to [0, MAX_NODE_SCORE] (raw scores may be negative), with kube-scheduler's float rounding. */
export function normalizeAffinityScores(scores: NodeScore[]): void {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (s.score > max) max = s.score;
    if (s.score < min) min = s.score;
  }
  const diff = max - min;
  for (const s of scores) s.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s.score - min) / diff)) : 0;
}
