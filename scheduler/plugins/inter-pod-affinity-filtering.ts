/**
 * InterPodAffinity's PreFilter state and Filter rules, after kube-scheduler's interpodaffinity/filtering.go.
 *
 * Cost per cycle (N nodes, P pods, A pods with required anti-affinity, c = pods on nodes changed since last
 * seen): kube-scheduler walks all P pods for the incoming pod's terms and all A pods for existing
 * anti-affinity, every cycle. Here per-node match counts of the incoming pod's terms are memoised (NodeMemo):
 * O(N + c); existing anti-affinity comes from an incremental index (ExistingTermsIndex): O(nodes holding A
 * + c + distinct anti-affinity terms + matching pairs). Filter is O(terms + distinct topology keys of
 * matching existing terms) per node and allocates nothing.
 */
import type { Clonable, CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import { matchCountTable, type AffinityCaches } from './inter-pod-affinity-caches.js';
import { matchesAllTerms, resolvedTermMatches, resolveTerm, termMatchesIncoming, type ResolvedTerm } from './inter-pod-affinity-terms.js';
import { TopologyCounts } from './inter-pod-affinity-topology-counts.js';

export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";

export const PRE_FILTER_STATE_KEY = 'PreFilterInterPodAffinity';

export class PreFilterState implements Clonable {
  constructor(
    readonly pod: PodInfo,
    /** The incoming pod's namespace labels, for existing pods' namespaceSelectors. */
    readonly nsLabels: Record<string, string> | undefined,
    readonly affinityTerms: readonly ResolvedTerm[],
    readonly antiAffinityTerms: readonly ResolvedTerm[],
    /** Pairs holding existing pods whose required anti-affinity matches the incoming pod. */
    readonly existingAntiAffinityCounts: TopologyCounts,
    /** Pairs holding existing pods matching all of the incoming pod's required affinity terms (counted per term). */
    readonly affinityCounts: TopologyCounts,
    /** Pairs holding existing pods matching each of the incoming pod's required anti-affinity terms. */
    readonly antiAffinityCounts: TopologyCounts,
  ) {
    this.matchesOwnAffinity = matchesAllTerms(affinityTerms, pod);
  }

  /** The incoming pod matches its own affinity terms: it may be the first of a group that wants to be together. */
  readonly matchesOwnAffinity: boolean;

  clone(): PreFilterState {
    return new PreFilterState(this.pod, this.nsLabels, this.affinityTerms, this.antiAffinityTerms,
      this.existingAntiAffinityCounts.clone(), this.affinityCounts.clone(), this.antiAffinityCounts.clone());
  }

  /** Preemption's dry run: count `other` as added to (+1) or removed from (-1) `node`. */
  updateWithPod(other: PodInfo, node: NodeInfo, multiplier: 1 | -1): void {
    const labels = node.labels;
    for (const t of other.requiredAntiAffinity) {
      if (termMatchesIncoming(t, this.pod, this.nsLabels)) this.existingAntiAffinityCounts.addForNode(labels, t.topologyKey, multiplier);
    }
    if (matchesAllTerms(this.affinityTerms, other)) {
      for (const t of this.affinityTerms) this.affinityCounts.addForNode(labels, t.topologyKey, multiplier);
    }
    for (const t of this.antiAffinityTerms) {
      if (resolvedTermMatches(t, other)) this.antiAffinityCounts.addForNode(labels, t.topologyKey, multiplier);
    }
  }
}

/** Walks every node once, adding each node's memoised match counts for the incoming pod's required terms. */
function incomingTermCounts(affinityTerms: readonly ResolvedTerm[], antiTerms: readonly ResolvedTerm[], snapshot: Snapshot,
  caches: AffinityCaches): { affinity: TopologyCounts; anti: TopologyCounts } {
  const affinity = new TopologyCounts();
  const anti = new TopologyCounts();
  if (affinityTerms.length + antiTerms.length === 0) return { affinity, anti };
  const allTable = affinityTerms.length > 0 ? matchCountTable(caches, affinityTerms) : undefined;
  const antiTables = antiTerms.map((t) => matchCountTable(caches, [t]));
  for (const node of snapshot.nodes) {
    const labels = node.labels;
    const n = allTable === undefined ? 0 : allTable.get(node);
    if (n > 0) for (const t of affinityTerms) affinity.addForNode(labels, t.topologyKey, n);
    for (let i = 0; i < antiTerms.length; i++) {
      const m = antiTables[i]!.get(node);
      if (m > 0) anti.addForNode(labels, antiTerms[i]!.topologyKey, m);
    }
  }
  allTable?.trim(snapshot.nodes.length);
  for (const t of antiTables) t.trim(snapshot.nodes.length);
  return { affinity, anti };
}

/** Undefined when nothing can reject a node (no required terms, no existing anti-affinity toward the pod): Skip. */
export function computePreFilterState(pod: PodInfo, snapshot: Snapshot, caches: AffinityCaches): PreFilterState | undefined {
  const nsLabels = snapshot.namespaceLabels(pod.namespace);
  const existing = new TopologyCounts();
  caches.existingAntiAffinity.sync(snapshot.nodesWithRequiredAntiAffinityPods);
  caches.existingAntiAffinity.collect(pod, nsLabels, existing);
  if (existing.isEmpty && pod.requiredAffinity.length === 0 && pod.requiredAntiAffinity.length === 0) return undefined;
  const affinityTerms = pod.requiredAffinity.map((t) => resolveTerm(t, snapshot));
  const antiTerms = pod.requiredAntiAffinity.map((t) => resolveTerm(t, snapshot));
  const { affinity, anti } = incomingTermCounts(affinityTerms, antiTerms, snapshot, caches);
  return new PreFilterState(pod, nsLabels, affinityTerms, antiTerms, existing, affinity, anti);
}

/** Every affinity term's pair on this node holds a matching pod, or the pod is the first of its group. */
function satisfiesPodAffinity(s: PreFilterState, node: NodeInfo): boolean {
  const labels = node.labels;
  let podsExist = true;
  for (const t of s.affinityTerms) {
    const value = labels[t.topologyKey];
    // The node must carry every topology key, even for the first pod of a group.
    if (value === undefined) return false;
    if (s.affinityCounts.get(t.topologyKey, value) <= 0) podsExist = false;
  }
  // No pod anywhere matches, but the pod matches its own terms: let it start the group (else it pends forever).
  return podsExist || (s.affinityCounts.isEmpty && s.matchesOwnAffinity);
}

function satisfiesPodAntiAffinity(s: PreFilterState, node: NodeInfo): boolean {
  if (s.antiAffinityCounts.isEmpty) return true;
  const labels = node.labels;
  for (const t of s.antiAffinityTerms) if (s.antiAffinityCounts.forNode(labels, t.topologyKey) > 0) return false;
  return true;
}

function satisfiesExistingPodsAntiAffinity(s: PreFilterState, node: NodeInfo): boolean {
  return s.existingAntiAffinityCounts.isEmpty || !s.existingAntiAffinityCounts.anyPositiveForNode(node.labels);
}

// Shared, so rejecting thousands of nodes allocates nothing. Affinity failures are unresolvable, as in
// kube-scheduler: preemption only removes pods, which cannot create the pod the term asks for.
const AFFINITY_REJECTED = Status.unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
const ANTI_AFFINITY_REJECTED = Status.unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
const EXISTING_ANTI_AFFINITY_REJECTED = Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);

export function filterNode(state: CycleState, node: NodeInfo): MaybeStatus {
  const s = state.read<PreFilterState>(PRE_FILTER_STATE_KEY);
  if (s === undefined) return Status.error(`reading ${PRE_FILTER_STATE_KEY} from cycle state: not found (PreFilter did not run)`);
  if (!satisfiesPodAffinity(s, node)) return AFFINITY_REJECTED;
  if (!satisfiesPodAntiAffinity(s, node)) return ANTI_AFFINITY_REJECTED;
  if (!satisfiesExistingPodsAntiAffinity(s, node)) return EXISTING_ANTI_AFFINITY_REJECTED;
  return undefined;
}
