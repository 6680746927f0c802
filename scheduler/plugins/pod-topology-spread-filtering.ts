/**
 * PodTopologySpread's PreFilter state and Filter rule, after kube-scheduler's podtopologyspread/filtering.go:
 * a node passes a DoNotSchedule constraint when
 *   (matching pods in its domain) + (1 if the pod matches its own selector) − (global minimum) ≤ maxSkew,
 * the global minimum being 0 while fewer than minDomains eligible domains exist.
 *
 * Cost per cycle: O(N × constraints) with per-node match counts memoised (NodeMemo), pods re-counted only on
 * nodes changed since last seen; kube-scheduler counts all P pods every cycle. Filter is O(constraints)
 * per node and allocates nothing; the global minimum is kept exactly under addPod/removePod (recomputed
 * lazily only when the minimum domain grows).
 */
import type { Clonable, CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import { countMatchingPods, hasAllTopologyKeys, NodeInclusion, type SpreadConstraint } from './pod-topology-spread-constraints.js';
import type { NodeMemo, NodeMemoTable } from './node-memo.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

export const PRE_FILTER_STATE_KEY = 'PreFilterPodTopologySpread';

/** The memo table counting, per node, the pods that count for `c`. */
export function matchCountTable(memo: NodeMemo<number>, c: SpreadConstraint, namespace: string): NodeMemoTable<number> {
  return memo.table(c.countKey, (node) => countMatchingPods(node, c.selector, namespace));
}

export class SpreadState implements Clonable {
  /** Per constraint, 1 when the incoming pod counts for it itself. */
  readonly selfMatch: number[];
  /** Per constraint, the smallest count among domains (undefined: recompute). */
  private readonly mins: (number | undefined)[];

  constructor(
    readonly pod: PodInfo,
    readonly constraints: readonly SpreadConstraint[],
    /** Per constraint: eligible domain (topology value) → matching pods in it. */
    readonly counts: Map<string, number>[],
    readonly inclusion: NodeInclusion,
    mins?: readonly (number | undefined)[],
  ) {
    this.selfMatch = constraints.map((c) => (c.selector.matches(pod.labels) ? 1 : 0));
    this.mins = mins ? [...mins] : constraints.map(() => undefined);
  }

  clone(): SpreadState {
    return new SpreadState(this.pod, this.constraints, this.counts.map((m) => new Map(m)), this.inclusion, this.mins);
  }

  /** The global minimum for constraint `i`, taking minDomains into account. */
  minMatch(i: number): number {
    const counts = this.counts[i]!;
    if (counts.size < this.constraints[i]!.minDomains) return 0;
    let m = this.mins[i];
    if (m === undefined) {
      m = Infinity;
      for (const n of counts.values()) if (n < m) m = n;
      this.mins[i] = m;
    }
    return m;
  }

  private add(i: number, value: string, delta: number): void {
    const counts = this.counts[i]!;
    const old = counts.get(value);
    const n = (old ?? 0) + delta;
    counts.set(value, n);
    const m = this.mins[i];
    if (m === undefined) return;
    if (n < m) this.mins[i] = n;
    else if (old === m && n > m) this.mins[i] = undefined;
  }

  /** Preemption's dry run: count `other` as added to (+1) or removed from (-1) `node`. */
  updateWithPod(other: PodInfo, node: NodeInfo, delta: 1 | -1): void {
    if (other.namespace !== this.pod.namespace) return;
    const labels = node.labels;
    if (!hasAllTopologyKeys(labels, this.constraints)) return;
    for (let i = 0; i < this.constraints.length; i++) {
      const c = this.constraints[i]!;
      if (!c.selector.matches(other.labels) || !this.inclusion.includes(c, node)) continue;
      this.add(i, labels[c.topologyKey]!, delta);
    }
  }
}

/** Matching pods per eligible domain, over nodes carrying every topology key and passing the inclusion policies. */
export function computeSpreadState(pod: PodInfo, constraints: readonly SpreadConstraint[], snapshot: Snapshot, memo: NodeMemo<number>): SpreadState {
  const tables = constraints.map((c) => matchCountTable(memo, c, pod.namespace));
  const counts = constraints.map(() => new Map<string, number>());
  const inclusion = new NodeInclusion(pod);
  for (const node of snapshot.nodes) {
    const labels = node.labels;
    if (!hasAllTopologyKeys(labels, constraints)) continue;
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i]!;
      if (!inclusion.includes(c, node)) continue;
      const value = labels[c.topologyKey]!;
      const m = counts[i]!;
      m.set(value, (m.get(value) ?? 0) + tables[i]!.get(node));
    }
  }
  for (const t of tables) t.trim(snapshot.nodes.length);
  return new SpreadState(pod, constraints, counts, inclusion);
}

const SKEW_REJECTED = Status.unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
/** No domain to count the node in; evicting pods cannot add a label. */
const LABEL_REJECTED = Status.unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);

export function filterNode(state: CycleState, node: NodeInfo): MaybeStatus {
  const s = state.read<SpreadState>(PRE_FILTER_STATE_KEY);
  if (s === undefined) return Status.error(`reading ${PRE_FILTER_STATE_KEY} from cycle state: not found (PreFilter did not run)`);
  const labels = node.labels;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i]!;
    const value = labels[c.topologyKey];
    if (value === undefined) return LABEL_REJECTED;
    const skew = (s.counts[i]!.get(value) ?? 0) + s.selfMatch[i]! - s.minMatch(i);
    if (skew > c.maxSkew) return SKEW_REJECTED;
  }
  return undefined;
}
