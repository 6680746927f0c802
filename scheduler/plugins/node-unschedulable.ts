/** NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods that tolerate the unschedulable taint. */
import type { Taint } from '../../api/types/core.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import { isTolerated } from '../framework/taints.js';
import type { ClusterEvent, FilterPlugin, PluginFactory } from '../framework/types.js';
import { checkArgs } from './args.js';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

/** The taint the node lifecycle controller mirrors spec.unschedulable into; tolerating it tolerates the cordon. */
export const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export class NodeUnschedulable implements FilterPlugin {
  readonly name = NODE_UNSCHEDULABLE;
  readonly requeueOn: readonly ClusterEvent[] = ['NodeAdd', 'NodeSchedulableChange'];
  private readonly rejected = Status.unresolvable(ERR_REASON_UNSCHEDULABLE);

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    if (!node.unschedulable || isTolerated(UNSCHEDULABLE_TAINT, pod.pod.spec.tolerations)) return undefined;
    return this.rejected;
  }
}

export const nodeUnschedulableFactory: PluginFactory = (args) => {
  checkArgs(NODE_UNSCHEDULABLE, args, []);
  return new NodeUnschedulable();
};
