/**
 * PodTopologySpread's PreScore/Score/NormalizeScore for ScheduleAnyway constraints, after kube-scheduler's
 * podtopologyspread/scoring.go: a node scores Σ (matching pods in its domain × log(domains + 2) + maxSkew − 1)
 * over constraints, fewer being better; NormalizeScore reverses that onto [0, 100].
 * Cost per cycle: O(N × constraints) with per-node match counts memoised (NodeMemo); Score is O(constraints).
 */
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { MAX_NODE_SCORE, type NodeScore } from '../framework/types.js';
import type { NodeMemo, NodeMemoTable } from './node-memo.js';
import { hasAllTopologyKeys, LABEL_HOSTNAME, NodeInclusion, type SpreadConstraint } from './pod-topology-spread-constraints.js';
import { matchCountTable } from './pod-topology-spread-filtering.js';

export const PRE_SCORE_STATE_KEY = 'PreScorePodTopologySpread';

export interface SpreadScoreState {
  constraints: readonly SpreadConstraint[];
  /** Feasible nodes lacking a topology key: scored 0 (only when every key is required). */
  ignoredNodes: ReadonlySet<string>;
  /** Per constraint: domain → matching pods (hostname constraints count per node in Score instead). */
  counts: Map<string, number>[];
  /** Per constraint: log(domains + 2), so small topologies are not drowned by big ones. */
  weights: number[];
  tables: NodeMemoTable<number>[];
}

/**
 * `requireAllTopologies` is false only for system-default constraints, so nodes without a zone label
 * still get hostname spreading.
 */
export function computeSpreadScoreState(pod: PodInfo, constraints: readonly SpreadConstraint[], feasible: readonly NodeInfo[],
  snapshot: Snapshot, memo: NodeMemo<number>, requireAllTopologies: boolean): SpreadScoreState {
  const ignoredNodes = new Set<string>();
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of feasible) {
    const labels = node.labels;
    if (requireAllTopologies && !hasAllTopologyKeys(labels, constraints)) {
      ignoredNodes.add(node.name);
      continue;
    }
    for (let i = 0; i < constraints.length; i++) {
      const key = constraints[i]!.topologyKey;
      if (key !== LABEL_HOSTNAME) counts[i]!.set(labels[key] ?? '', 0);
    }
  }
  const weights = constraints.map((c, i) =>
    Math.log((c.topologyKey === LABEL_HOSTNAME ? feasible.length - ignoredNodes.size : counts[i]!.size) + 2));

  // Count matching pods over all nodes, but only in domains some feasible node belongs to.
  const tables = constraints.map((c) => matchCountTable(memo, c, pod.namespace));
  if (counts.some((m) => m.size > 0)) {
    const inclusion = new NodeInclusion(pod);
    for (const node of snapshot.nodes) {
      const labels = node.labels;
      if (requireAllTopologies && !hasAllTopologyKeys(labels, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        const m = counts[i]!;
        const value = labels[c.topologyKey] ?? '';
        const n = m.get(value);
        if (n === undefined || !inclusion.includes(c, node)) continue;
        m.set(value, n + tables[i]!.get(node));
      }
    }
    for (const t of tables) t.trim(snapshot.nodes.length);
  }
  return { constraints, ignoredNodes, counts, weights, tables };
}

export function spreadScore(s: SpreadScoreState, node: NodeInfo): number {
  if (s.ignoredNodes.has(node.name)) return 0;
  const labels = node.labels;
  let score = 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i]!;
    const value = labels[c.topologyKey];
    if (value === undefined) continue;
    const n = c.topologyKey === LABEL_HOSTNAME ? s.tables[i]!.get(node) : s.counts[i]!.get(value) ?? 0;
    // maxSkew − 1 waters down differences between domains: a larger maxSkew tolerates more skew.
    score += n * s.weights[i]! + (c.maxSkew - 1);
  }
  return Math.round(score);
}

/** Fewest matching pods → MAX_NODE_SCORE, as kube-scheduler: MAX × (max + min − score) / max; ignored nodes 0. */
export function normalizeSpreadScores(s: SpreadScoreState, scores: NodeScore[]): void {
  let min = Infinity;
  let max = 0;
  for (const x of scores) {
    if (s.ignoredNodes.has(x.name)) continue;
    if (x.score < min) min = x.score;
    if (x.score > max) max = x.score;
  }
  for (const x of scores) {
    if (s.ignoredNodes.has(x.name)) x.score = 0;
    else if (max === 0) x.score = MAX_NODE_SCORE;
    else x.score = Math.trunc((MAX_NODE_SCORE * (max + min - x.score)) / max);
  }
}
