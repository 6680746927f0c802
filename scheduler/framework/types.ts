/**
 * The scheduling framework's extension points, after kube-scheduler's: a plugin implements any of them.
 * Filter, Score and their Pre- steps run synchronously inside one cycle, so the snapshot they read cannot
 * change under them; PostFilter (preemption), Permit waits and Bind are where the scheduler awaits the API.
 */
import type { PodDisruptionBudget } from '../../api/types/policy.js';
import type { Pod } from '../../api/types/core.js';
import type { CycleState } from './cycle-state.js';
import type { Framework } from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Snapshot } from './snapshot.js';
import type { MaybeStatus, Status } from './status.js';

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export interface Plugin {
  readonly name: string;
  /** Cluster events after which a pod this plugin rejected may fit; the queue re-tries such pods only then. */
  readonly requeueOn?: readonly ClusterEvent[];
}

/** What happened in the cluster, coarse enough to decide which unschedulable pods deserve another try. */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeLabelChange'
  | 'NodeTaintChange'
  | 'NodeAllocatableChange'
  | 'NodeSchedulableChange'
  | 'AssignedPodAdd'
  | 'AssignedPodLabelChange'
  | 'AssignedPodDelete'
  | 'NamespaceLabelChange';

/** PreFilter may narrow the candidate nodes (NodeName, NodeAffinity on metadata.name). */
export interface PreFilterResult {
  nodeNames?: ReadonlySet<string>;
}

export interface PreFilterPlugin extends Plugin {
  /** Returns a rejection to stop the cycle, Skip to skip this plugin's Filter, or a result narrowing nodes. */
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): MaybeStatus | PreFilterResult;
  /** Preemption's dry run: update this cycle's PreFilter state as if `other` were added to / removed from `node`. */
  addPod?(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo): void;
  removePod?(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo): void;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus;
}

export interface PostFilterResult {
  status: Status;
  nominatedNodeName?: string;
  /** Pods evicted to make room (preemption). */
  victims?: number;
}

/** Runs when no node passed Filter: `statuses` says why each node was rejected. */
export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>): Promise<PostFilterResult>;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): MaybeStatus;
}

export interface NodeScore {
  name: string;
  score: number;
}

export interface ScorePlugin extends Plugin {
  /** A score for one feasible node; after normalizeScore it must lie in [MIN_NODE_SCORE, MAX_NODE_SCORE]. */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): MaybeStatus;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface PermitResult {
  status: Status | undefined;
  /** With a Wait status: how long to hold the pod before giving up. */
  timeoutMs?: number;
}

export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): PermitResult;
}

export interface BindPlugin extends Plugin {
  /** Skip means "not mine, ask the next binder". */
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<MaybeStatus>;
}

/** A plugin's configuration (from the profile file) was wrong: the message names the field and the fix. */
export class PluginArgsError extends Error {
  constructor(readonly plugin: string, readonly field: string, message: string) {
    super(`plugin ${plugin}: ${field}: ${message}`);
    this.name = 'PluginArgsError';
  }
}

/** The scheduler's writes through the API, behind an interface so plugins stay testable. */
export interface SchedulerApi {
  /** Binds through the pod's `binding` subresource. */
  bind(pod: Pod, nodeName: string): Promise<void>;
  /** Marks the victim with a DisruptionTarget condition and an Event, then deletes it gracefully. */
  evict(victim: Pod, preemptor: Pod, nodeName: string): Promise<void>;
  /** Sets (or with undefined clears) `status.nominatedNodeName`. */
  nominate(pod: Pod, nodeName: string | undefined): Promise<void>;
}

/** Pods that preemption promised a node to, which later cycles must count as already there. */
export interface Nominator {
  nominate(pod: PodInfo, nodeName: string): void;
  forget(key: string): void;
  /** Pods nominated to the node with priority at least `atLeast`, other than `except`. */
  nominatedTo(nodeName: string, atLeast: number, except: string): readonly PodInfo[];
  /** Pods nominated to the node with lower priority than `priority`: a preemptor displaces them. */
  lowerPriorityOn(nodeName: string, priority: number): PodInfo[];
}

/** What plugins may use beyond the pod and node they are handed. */
export interface FrameworkHandle {
  snapshot(): Snapshot;
  /** The profile's framework (for preemption's dry runs); available once every plugin is built. */
  framework(): Framework;
  api: SchedulerApi;
  nominator: Nominator;
  /** The cluster's PodDisruptionBudgets: preemption prefers victims whose eviction breaks none. */
  disruptionBudgets?: () => readonly PodDisruptionBudget[];
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Builds a plugin from its `pluginConfig` args (validated; throws PluginArgsError). */
export type PluginFactory = (args: Record<string, unknown> | undefined, handle: FrameworkHandle) => Plugin;

export const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof (p as PreFilterPlugin).preFilter === 'function';
export const isFilter = (p: Plugin): p is FilterPlugin => typeof (p as FilterPlugin).filter === 'function';
export const isPostFilter = (p: Plugin): p is PostFilterPlugin => typeof (p as PostFilterPlugin).postFilter === 'function';
export const isPreScore = (p: Plugin): p is PreScorePlugin => typeof (p as PreScorePlugin).preScore === 'function';
export const isScore = (p: Plugin): p is ScorePlugin => typeof (p as ScorePlugin).score === 'function';
export const isReserve = (p: Plugin): p is ReservePlugin => typeof (p as ReservePlugin).reserve === 'function';
export const isPermit = (p: Plugin): p is PermitPlugin => typeof (p as PermitPlugin).permit === 'function';
export const isBind = (p: Plugin): p is BindPlugin => typeof (p as BindPlugin).bind === 'function';
