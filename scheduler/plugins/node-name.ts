/** NodeName: a pod that names its node (spec.nodeName) can go only there. */
import type { CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import type { ClusterEvent, FilterPlugin, PluginFactory, PreFilterPlugin, PreFilterResult } from '../framework/types.js';
import { checkArgs } from './args.js';

export const NODE_NAME = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export class NodeName implements PreFilterPlugin, FilterPlugin {
  readonly name = NODE_NAME;
  /** Only a node with the requested name appearing can help. */
  readonly requeueOn: readonly ClusterEvent[] = ['NodeAdd'];
  private readonly rejected = Status.unresolvable(ERR_REASON_NODE_NAME);
  private readonly skip = Status.skip();

  preFilter(_state: CycleState, pod: PodInfo): MaybeStatus | PreFilterResult {
    const nodeName = pod.pod.spec.nodeName;
    return nodeName ? { nodeNames: new Set([nodeName]) } : this.skip;
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    const nodeName = pod.pod.spec.nodeName;
    return !nodeName || nodeName === node.name ? undefined : this.rejected;
  }
}

export const nodeNameFactory: PluginFactory = (args) => {
  checkArgs(NODE_NAME, args, []);
  return new NodeName();
};
