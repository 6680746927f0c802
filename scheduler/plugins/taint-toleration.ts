/**
 * TaintToleration: a pod may not land on a node with a NoSchedule/NoExecute taint it does not tolerate,
 * and prefers nodes with fewer untolerated PreferNoSchedule taints.
 */
import type { Taint, Toleration } from '../../api/types/core.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import { formatTaint, tolerates } from '../framework/taints.js';
import type { ClusterEvent, FilterPlugin, NodeScore, PluginFactory, PreScorePlugin, ScorePlugin } from '../framework/types.js';
import { checkArgs } from './args.js';
import { defaultNormalizeScore } from './normalize.js';

export const TAINT_TOLERATION = 'TaintToleration';
/** Followed by the taint, `{key: value}`. */
export const ERR_REASON_UNTOLERATED_TAINT = 'node(s) had untolerated taint';

export function untoleratedTaintReason(taint: Taint): string {
  return `${ERR_REASON_UNTOLERATED_TAINT} ${formatTaint(taint)}`;
}

const PRE_SCORE_KEY = `PreScore${TAINT_TOLERATION}`;

function toleratedBy(taint: Taint, tolerations: readonly Toleration[]): boolean {
  for (let i = 0; i < tolerations.length; i++) if (tolerates(tolerations[i]!, taint)) return true;
  return false;
}

const NO_TOLERATIONS: readonly Toleration[] = [];

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = TAINT_TOLERATION;
  readonly requeueOn: readonly ClusterEvent[] = ['NodeAdd', 'NodeTaintChange'];
  /**
   * One status per taint object, so the thousands of nodes rejected for the same taint in a cycle share it;
   * a node update brings new taint objects and the old entries go with the old Node.
   */
  private readonly rejections = new WeakMap<Taint, Status>();

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    const taints = node.taints;
    if (taints.length === 0) return undefined;
    const tolerations = pod.pod.spec.tolerations ?? NO_TOLERATIONS;
    for (let i = 0; i < taints.length; i++) {
      const taint = taints[i]!;
      if (taint.effect === 'PreferNoSchedule' || toleratedBy(taint, tolerations)) continue;
      let status = this.rejections.get(taint);
      if (!status) this.rejections.set(taint, (status = Status.unresolvable(untoleratedTaintReason(taint))));
      return status;
    }
    return undefined;
  }

  /** Keeps only the tolerations that can cover a PreferNoSchedule taint (an empty effect covers every effect). */
  preScore(state: CycleState, pod: PodInfo): MaybeStatus {
    const prefer = (pod.pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    state.write(PRE_SCORE_KEY, prefer);
    return undefined;
  }

  /** The number of PreferNoSchedule taints the pod does not tolerate: fewer is better (see normalizeScore). */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const tolerations = state.read<Toleration[]>(PRE_SCORE_KEY) ?? pod.pod.spec.tolerations ?? NO_TOLERATIONS;
    const taints = node.taints;
    let intolerable = 0;
    for (let i = 0; i < taints.length; i++) {
      const taint = taints[i]!;
      if (taint.effect === 'PreferNoSchedule' && !toleratedBy(taint, tolerations)) intolerable++;
    }
    return intolerable;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: NodeScore[]): void {
    defaultNormalizeScore(scores, true);
  }
}

export const taintTolerationFactory: PluginFactory = (args) => {
  checkArgs(TAINT_TOLERATION, args, []);
  return new TaintToleration();
};
