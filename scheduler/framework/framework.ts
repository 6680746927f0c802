/**
 * Runs one profile's plugins at each extension point, as kube-scheduler's frameworkImpl does.
 * findFeasibleNodes stops once it has `numFeasibleNodesToFind` nodes (percentageOfNodesToScore) and
 * starts each search where the previous one stopped, so every node gets its turn.
 */
import type { CycleState } from './cycle-state.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Snapshot } from './snapshot.js';
import { Status, type MaybeStatus } from './status.js';
import {
  MAX_NODE_SCORE, MIN_NODE_SCORE,
  type BindPlugin, type FilterPlugin, type NodeScore, type PermitPlugin, type PostFilterPlugin, type PostFilterResult,
  type PreFilterPlugin, type PreFilterResult, type PreScorePlugin, type ReservePlugin, type ScorePlugin,
} from './types.js';

export interface WeightedScorePlugin {
  plugin: ScorePlugin;
  weight: number;
}

export interface ProfilePlugins {
  preFilter: PreFilterPlugin[];
  filter: FilterPlugin[];
  postFilter: PostFilterPlugin[];
  preScore: PreScorePlugin[];
  score: WeightedScorePlugin[];
  reserve: ReservePlugin[];
  permit: PermitPlugin[];
  bind: BindPlugin[];
}

export interface FeasibleResult {
  feasible: NodeInfo[];
  /** Why each rejected node was rejected (only nodes actually examined). */
  rejected: Map<string, Status>;
  /** Nodes examined in total (feasible + rejected). */
  examined: number;
}

/** Nodes holding pods nominated (by preemption) to run there: filters must count them as if already placed. */
export type NominatedPods = (nodeName: string, pod: PodInfo) => readonly PodInfo[];

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * How many feasible nodes to look for before scoring. `percentage` 0 means adaptive, as kube-scheduler:
 * 50% minus 1% per 125 nodes, never below 5%; at least 100 nodes; all of them in small clusters.
 */
export function numFeasibleNodesToFind(percentage: number, numNodes: number): number {
  if (numNodes < MIN_FEASIBLE_NODES_TO_FIND || percentage >= 100) return numNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.floor(numNodes / 125));
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.floor((numNodes * pct) / 100));
}

export class Framework {
  private nextStartNodeIndex = 0;

  constructor(readonly profileName: string, readonly plugins: ProfilePlugins, readonly percentageOfNodesToScore: number,
    private readonly nominated: NominatedPods = () => []) {}

  /** PreFilter: a rejection ends the cycle; results narrowing the node set are intersected. */
  runPreFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): { status?: Status; nodeNames?: Set<string> } {
    let nodeNames: Set<string> | undefined;
    for (const p of this.plugins.preFilter) {
      const r = p.preFilter(state, pod, snapshot);
      if (r instanceof Status) {
        if (r.code === 'Skip') {
          state.skipFilter.add(p.name);
          continue;
        }
        if (r.isSuccess()) continue;
        r.plugin = p.name;
        return { status: r };
      }
      const narrowed = (r as PreFilterResult | undefined)?.nodeNames;
      if (narrowed) nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => narrowed.has(n))) : new Set(narrowed);
    }
    return { nodeNames };
  }

  /**
   * Filter plugins in order; the first rejection wins. Pods nominated to the node with at least this pod's
   * priority must fit too, so the node must pass both with and without them (as kube-scheduler checks). The
   * plain pass runs first: a node rejected without them is rejected either way, and the copy with them added
   * (a clone per node) is made only for nodes that pass, which in a full cluster under preemption is few.
   */
  runFilter(state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    const plain = this.runFilterPlugins(state, pod, node);
    if (plain) return plain;
    const nominated = this.nominated(node.name, pod);
    if (nominated.length === 0) return undefined;
    const withNominated = node.clone();
    const nominatedState = state.clone();
    for (const other of nominated) {
      withNominated.addPod(other);
      for (const p of this.plugins.preFilter) if (!state.skipFilter.has(p.name)) p.addPod?.(nominatedState, pod, other, withNominated);
    }
    return this.runFilterPlugins(nominatedState, pod, withNominated);
  }

  runFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    // The plugins PreFilter did not skip, resolved once per cycle: this loop runs for thousands of nodes.
    const active = (state.activeFilters ??= this.plugins.filter.filter((p) => !state.skipFilter.has(p.name)));
    for (let i = 0; i < active.length; i++) {
      const p = active[i]!;
      const s = p.filter(state, pod, node);
      if (s && !s.isSuccess()) {
        s.plugin = p.name;
        return s;
      }
    }
    return undefined;
  }

  findFeasibleNodes(state: CycleState, pod: PodInfo, snapshot: Snapshot, only?: ReadonlySet<string>): FeasibleResult {
    const rejected = new Map<string, Status>();
    const candidates = only ? snapshot.nodes.filter((n) => only.has(n.name)) : snapshot.nodes;
    const n = candidates.length;
    const want = numFeasibleNodesToFind(this.percentageOfNodesToScore, n);
    const feasible: NodeInfo[] = [];
    const start = n ? this.nextStartNodeIndex % n : 0;
    let examined = 0;
    for (; examined < n && feasible.length < want; examined++) {
      const node = candidates[(start + examined) % n]!;
      const s = this.runFilter(state, pod, node);
      if (s) rejected.set(node.name, s);
      else feasible.push(node);
    }
    if (!only) this.nextStartNodeIndex = (start + examined) % Math.max(1, n);
    return { feasible, rejected, examined };
  }

  async runPostFilter(state: CycleState, pod: PodInfo, rejected: ReadonlyMap<string, Status>): Promise<PostFilterResult | undefined> {
    for (const p of this.plugins.postFilter) {
      const r = await p.postFilter(state, pod, rejected);
      if (r.status.isSuccess() || r.nominatedNodeName) return r;
    }
    return undefined;
  }

  /** PreScore then Score, weighted and summed per node. A single feasible node needs no scoring. */
  runScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): NodeScore[] {
    const totals = nodes.map((n) => ({ name: n.name, score: 0 }));
    if (nodes.length <= 1) return totals;
    for (const p of this.plugins.preScore) {
      const s = p.preScore(state, pod, nodes);
      if (s?.code === 'Skip') state.skipScore.add(p.name);
    }
    for (const { plugin, weight } of this.plugins.score) {
      if (state.skipScore.has(plugin.name)) continue;
      const scores = nodes.map((n) => ({ name: n.name, score: plugin.score(state, pod, n) }));
      plugin.normalizeScore?.(state, pod, scores);
      for (let i = 0; i < scores.length; i++) {
        const s = Math.min(MAX_NODE_SCORE, Math.max(MIN_NODE_SCORE, scores[i]!.score));
        totals[i]!.score += s * weight;
      }
    }
    return totals;
  }

  runReserve(state: CycleState, pod: PodInfo, nodeName: string): MaybeStatus {
    for (const p of this.plugins.reserve) {
      const s = p.reserve(state, pod, nodeName);
      if (s && !s.isSuccess()) {
        s.plugin = p.name;
        this.runUnreserve(state, pod, nodeName);
        return s;
      }
    }
    return undefined;
  }

  runUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const p of [...this.plugins.reserve].reverse()) p.unreserve(state, pod, nodeName);
  }

  /** Permit: every plugin must allow; Wait holds the pod up to the shortest timeout before binding. */
  async runPermit(state: CycleState, pod: PodInfo, nodeName: string, waitFor: (timeoutMs: number) => Promise<MaybeStatus>): Promise<MaybeStatus> {
    let waitMs: number | undefined;
    for (const p of this.plugins.permit) {
      const { status, timeoutMs } = p.permit(state, pod, nodeName);
      if (status?.code === 'Wait') waitMs = Math.min(waitMs ?? Infinity, timeoutMs ?? 0);
      else if (status && !status.isSuccess()) {
        status.plugin = p.name;
        return status;
      }
    }
    return waitMs === undefined ? undefined : waitFor(waitMs);
  }

  async runBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<MaybeStatus> {
    for (const p of this.plugins.bind) {
      const s = await p.bind(state, pod, nodeName);
      if (s?.code === 'Skip') continue;
      if (s) s.plugin = p.name;
      return s;
    }
    return Status.error(`no bind plugin of profile ${this.profileName} bound pod ${pod.key}`);
  }
}

/** The highest-scoring node; ties broken uniformly at random so equal nodes share the load. */
export function selectHost(scores: NodeScore[], random: () => number = Math.random): string | undefined {
  let best: NodeScore | undefined;
  let ties = 0;
  for (const s of scores) {
    if (!best || s.score > best.score) {
      best = s;
      ties = 1;
    } else if (s.score === best.score && random() * ++ties < 1) {
      best = s;
    }
  }
  return best?.name;
}
