/**
 * InterPodAffinity's PreScore/Score/NormalizeScore, after kube-scheduler's interpodaffinity/scoring.go.
 * A node's raw score is the sum, over topology pairs it belongs to, of:
 *  + weight × pods there matching each of the incoming pod's preferred affinity terms,
 *  − weight × pods there matching each of its preferred anti-affinity terms,
 *  + hardPodAffinityWeight per existing pod there whose required affinity matches the incoming pod,
 *  ± weight per existing pod there whose preferred (anti-)affinity matches the incoming pod.
 * Cost per cycle: O(N) for the incoming pod's preferred terms (per-node counts memoised in NodeMemo) plus,
 * for existing pods' terms, O(nodes holding pods with affinity + distinct terms + matching pairs) from an
 * incremental index; pods are re-examined only on nodes changed since last seen. kube-scheduler walks every
 * pod (or every pod with affinity) each cycle. Score is O(distinct topology keys) per node.
 */
import type { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { MAX_NODE_SCORE, type NodeScore } from '../framework/types.js';
import { matchCountTable, type AffinityCaches } from './inter-pod-affinity-caches.js';
import { resolveTerm } from './inter-pod-affinity-terms.js';
import { TopologyCounts } from './inter-pod-affinity-topology-counts.js';

export const PRE_SCORE_STATE_KEY = 'PreScoreInterPodAffinity';

/**
 * The score per topology pair, or undefined when there is nothing to score (Skip). With
 * ignorePreferredTermsOfExistingPods, a pod without preferred terms of its own skips scoring entirely;
 * a pod with some still sees existing pods' terms, as in kube-scheduler.
 */
export function computeTopologyScore(pod: PodInfo, snapshot: Snapshot, caches: AffinityCaches,
  ignorePreferredTermsOfExistingPods: boolean): TopologyCounts | undefined {
  const hasPreferred = pod.preferredAffinity.length + pod.preferredAntiAffinity.length > 0;
  if (ignorePreferredTermsOfExistingPods && !hasPreferred) return undefined;
  const scores = new TopologyCounts();

  if (hasPreferred) {
    const terms = [
      ...pod.preferredAffinity.map((t) => ({ term: resolveTerm(t, snapshot), weight: t.weight })),
      ...pod.preferredAntiAffinity.map((t) => ({ term: resolveTerm(t, snapshot), weight: -t.weight })),
    ];
    const tables = terms.map(({ term }) => matchCountTable(caches, [term]));
    for (const node of snapshot.nodes) {
      for (let i = 0; i < terms.length; i++) {
        const n = tables[i]!.get(node);
        if (n > 0) scores.addForNode(node.labels, terms[i]!.term.topologyKey, terms[i]!.weight * n);
      }
    }
    for (const t of tables) t.trim(snapshot.nodes.length);
  }

  caches.existingPreferences.sync(snapshot.nodesWithAffinityPods);
  caches.existingPreferences.collect(pod, snapshot.namespaceLabels(pod.namespace), scores);
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
