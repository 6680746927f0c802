/**
 * Matching pod (anti-)affinity terms, as kube-scheduler's framework.AffinityTerm.Matches: a pod matches a
 * term when it is in one of the term's namespaces (named, or chosen by namespaceSelector) and its labels
 * match the term's selector. The term's topologyKey plays no part in matching.
 */
import type { Selector } from '../../api/selectors.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { AffinityTerm, PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';

/** An incoming pod's term with its namespaceSelector turned into namespace names once per cycle. */
export interface ResolvedTerm {
  selector: Selector;
  namespaces: ReadonlySet<string>;
  /** `namespaceSelector: {}` selects every namespace, known or not, so it is kept as a flag. */
  allNamespaces: boolean;
  topologyKey: string;
  weight: number;
  /** Which pods the term matches (namespaces and selector, not topologyKey): a NodeMemo key. */
  matchKey: string;
}

/** kube-scheduler's mergeAffinityTermNamespacesIfNotEmpty, against the snapshot's namespaces. */
export function resolveTerm(term: AffinityTerm, snapshot: Snapshot): ResolvedTerm {
  const sel = term.namespaceSelector;
  const allNamespaces = sel !== undefined && sel.isEverything();
  let namespaces = term.namespaces;
  if (sel !== undefined && !allNamespaces) {
    const merged = new Set(namespaces);
    for (const ns of snapshot.namespaces()) if (sel.matches(snapshot.namespaceLabels(ns))) merged.add(ns);
    namespaces = merged;
  }
  const nsKey = allNamespaces ? '*' : [...namespaces].sort().join(',');
  return { selector: term.selector, namespaces, allNamespaces, topologyKey: term.topologyKey, weight: term.weight, matchKey: `${nsKey}|${term.selector.toString()}` };
}

export function resolvedTermMatches(t: ResolvedTerm, p: PodInfo): boolean {
  return (t.allNamespaces || t.namespaces.has(p.namespace)) && t.selector.matches(p.labels);
}

/** False for no terms, as kube-scheduler's podMatchesAllAffinityTerms. */
export function matchesAllTerms(terms: readonly ResolvedTerm[], p: PodInfo): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!resolvedTermMatches(t, p)) return false;
  return true;
}

/** The pods on `node` matching every one of `terms`. */
export function countMatchingAll(terms: readonly ResolvedTerm[], node: NodeInfo): number {
  let n = 0;
  for (const p of node.pods.values()) if (matchesAllTerms(terms, p)) n++;
  return n;
}

/** An existing pod's (unresolved) term against the incoming pod, whose namespace carries `nsLabels`. */
export function termMatchesIncoming(t: AffinityTerm, pod: PodInfo, nsLabels: Record<string, string> | undefined): boolean {
  const inNamespace = t.namespaces.has(pod.namespace) || (t.namespaceSelector !== undefined && t.namespaceSelector.matches(nsLabels));
  return inNamespace && t.selector.matches(pod.labels);
}
