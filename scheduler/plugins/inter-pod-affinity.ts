/**
 * InterPodAffinity: required pod affinity / anti-affinity (the incoming pod's, and existing pods' anti-affinity
 * toward it) as a Filter, preferred terms as a Score, after kube-scheduler's interpodaffinity plugin.
 * The rules live in inter-pod-affinity-filtering.ts and inter-pod-affinity-scoring.ts.
 */
import type { CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import {
  PluginArgsError,
  type ClusterEvent, type FilterPlugin, type FrameworkHandle, type NodeScore, type PluginFactory, type PreFilterPlugin,
  type PreScorePlugin, type ScorePlugin,
} from '../framework/types.js';
import { checkArgs, integerIn } from './args.js';
import { newAffinityCaches, type AffinityCaches } from './inter-pod-affinity-caches.js';
import { computePreFilterState, filterNode, PRE_FILTER_STATE_KEY, type PreFilterState } from './inter-pod-affinity-filtering.js';
import { computeTopologyScore, normalizeAffinityScores, PRE_SCORE_STATE_KEY } from './inter-pod-affinity-scoring.js';
import type { TopologyCounts } from './inter-pod-affinity-topology-counts.js';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const DEFAULT_HARD_POD_AFFINITY_WEIGHT = 1;

export interface InterPodAffinityArgs {
  /** Score weight of an existing pod's required affinity term matching the incoming pod (0 turns it off). */
  hardPodAffinityWeight: number;
  /** Skip scoring for pods without preferred terms of their own, instead of scoring existing pods' terms. */
  ignorePreferredTermsOfExistingPods: boolean;
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = INTER_POD_AFFINITY;
  /** Pods appearing, leaving or relabelled change what matches; node labels change the topology; namespace labels change namespaceSelectors. */
  readonly requeueOn: readonly ClusterEvent[] = ['AssignedPodAdd', 'AssignedPodLabelChange', 'AssignedPodDelete', 'NodeAdd', 'NodeLabelChange', 'NamespaceLabelChange'];
  private readonly caches: AffinityCaches;
  private readonly skip = Status.skip();

  constructor(readonly args: InterPodAffinityArgs, private readonly handle: Pick<FrameworkHandle, 'snapshot'>) {
    this.caches = newAffinityCaches(args.hardPodAffinityWeight);
  }

  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): MaybeStatus {
    const s = computePreFilterState(pod, snapshot, this.caches);
    if (s === undefined) return this.skip;
    state.write(PRE_FILTER_STATE_KEY, s);
    return undefined;
  }

  addPod(state: CycleState, _pod: PodInfo, other: PodInfo, node: NodeInfo): void {
    state.read<PreFilterState>(PRE_FILTER_STATE_KEY)?.updateWithPod(other, node, 1);
  }

  removePod(state: CycleState, _pod: PodInfo, other: PodInfo, node: NodeInfo): void {
    state.read<PreFilterState>(PRE_FILTER_STATE_KEY)?.updateWithPod(other, node, -1);
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfo): MaybeStatus {
    return filterNode(state, node);
  }

  preScore(state: CycleState, pod: PodInfo): MaybeStatus {
    const scores = computeTopologyScore(pod, this.handle.snapshot(), this.caches, this.args.ignorePreferredTermsOfExistingPods);
    if (scores === undefined) return this.skip;
    state.write(PRE_SCORE_STATE_KEY, scores);
    return undefined;
  }

  /** Signed: positive for affinity, negative for anti-affinity; normalizeScore maps it onto [0, 100]. */
  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    return state.read<TopologyCounts>(PRE_SCORE_STATE_KEY)?.sumForNode(node.labels) ?? 0;
  }

  normalizeScore(state: CycleState, _pod: PodInfo, scores: NodeScore[]): void {
    if (state.read<TopologyCounts>(PRE_SCORE_STATE_KEY) !== undefined) normalizeAffinityScores(scores);
  }
}

export function interPodAffinityArgs(raw: Record<string, unknown> | undefined): InterPodAffinityArgs {
  const args = checkArgs(INTER_POD_AFFINITY, raw, ['hardPodAffinityWeight', 'ignorePreferredTermsOfExistingPods']);
  const ignore = args.ignorePreferredTermsOfExistingPods ?? false;
  if (typeof ignore !== 'boolean') {
    throw new PluginArgsError(INTER_POD_AFFINITY, 'ignorePreferredTermsOfExistingPods', `must be true or false, got ${JSON.stringify(ignore)}`);
  }
  return {
    hardPodAffinityWeight: integerIn(INTER_POD_AFFINITY, 'hardPodAffinityWeight', args.hardPodAffinityWeight, 0, 100, DEFAULT_HARD_POD_AFFINITY_WEIGHT),
    ignorePreferredTermsOfExistingPods: ignore,
  };
}

export const interPodAffinityFactory: PluginFactory = (args, handle) => new InterPodAffinity(interPodAffinityArgs(args), handle);
