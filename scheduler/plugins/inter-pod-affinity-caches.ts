/**
 * What InterPodAffinity keeps across scheduling cycles so that a cycle does not walk every pod: per-node
 * match counts for incoming pods' terms, and indexes of existing pods' terms. One set per plugin instance,
 * so the instance's fixed args (hardPodAffinityWeight) are not part of any key.
 */
import { ExistingTermsIndex } from './inter-pod-affinity-existing-terms.js';
import { countMatchingAll, type ResolvedTerm } from './inter-pod-affinity-terms.js';
import { NodeMemo, type NodeMemoTable } from './node-memo.js';

export interface AffinityCaches {
  /** Pods on a node matching a set of (resolved) terms of an incoming pod, keyed by the terms' matchKeys. */
  counts: NodeMemo<number>;
  /** Existing pods' required anti-affinity terms. */
  existingAntiAffinity: ExistingTermsIndex;
  /** Existing pods' terms that score: required affinity (with hardPodAffinityWeight), preferred affinity and anti-affinity. */
  existingPreferences: ExistingTermsIndex;
}

export function newAffinityCaches(hardPodAffinityWeight: number): AffinityCaches {
  return {
    counts: new NodeMemo(),
    existingAntiAffinity: new ExistingTermsIndex((p, emit) => {
      for (const t of p.requiredAntiAffinity) emit(t, 1);
    }, (n) => n.podsWithRequiredAntiAffinity),
    existingPreferences: new ExistingTermsIndex((p, emit) => {
      if (hardPodAffinityWeight > 0) for (const t of p.requiredAffinity) emit(t, hardPodAffinityWeight);
      for (const t of p.preferredAffinity) emit(t, t.weight);
      for (const t of p.preferredAntiAffinity) emit(t, -t.weight);
    }, (n) => n.podsWithAffinity),
  };
}

/** A memo table counting pods that match every term in `terms` (order-insensitive key, so [t] shares with anti [t]). */
export function matchCountTable(caches: AffinityCaches, terms: readonly ResolvedTerm[]): NodeMemoTable<number> {
  const key = terms.map((t) => t.matchKey).sort().join(';');
  return caches.counts.table(key, (node) => countMatchingAll(terms, node));
}
