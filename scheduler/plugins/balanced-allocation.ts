/**
 * NodeResourcesBalancedAllocation: prefers nodes whose resources would be used evenly after placing the pod,
 * score = (1 - standard deviation of the requested/allocatable fractions) * 100, so no resource is stranded
 * (a node full on cpu but empty on memory wastes the memory).
 */
import type { CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import type { MaybeStatus } from '../framework/status.js';
import { MAX_NODE_SCORE, type ClusterEvent, type PluginFactory, type PreScorePlugin, type ScorePlugin } from '../framework/types.js';
import { checkArgs } from './args.js';
import { parseResourceSpecs, ResourceAllocation, type ResourceSpec } from './resource-allocation.js';

export const NODE_RESOURCES_BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';

const PRE_SCORE_KEY = `PreScore${NODE_RESOURCES_BALANCED_ALLOCATION}`;

function fraction(requested: number, allocatable: number): number {
  return Math.min(requested / allocatable, 1);
}

/** (1 - population standard deviation of the fractions of resources the node has) * 100, truncated. */
export function balancedScore(requested: Float64Array, allocatable: Float64Array): number {
  let n = 0;
  let sum = 0;
  let first = 0;
  let second = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = fraction(requested[i]!, allocatable[i]!);
    if (n === 0) first = f;
    else if (n === 1) second = f;
    n++;
    sum += f;
  }
  // Two resources (the usual cpu+memory) as kube-scheduler computes it, so float rounding matches its scores.
  let std = n === 2 ? Math.abs(first - second) / 2 : 0;
  if (n > 2) {
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const d = fraction(requested[i]!, allocatable[i]!) - mean;
      squares += d * d;
    }
    std = Math.sqrt(squares / n);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = NODE_RESOURCES_BALANCED_ALLOCATION;
  /** Score-only: it never rejects a pod, so no event needs to re-try one for it. */
  readonly requeueOn: readonly ClusterEvent[] = [];
  private readonly allocation: ResourceAllocation;

  /** Fractions use plain requests (as kube-scheduler now does), not the non-zero defaults fit scoring uses. */
  constructor(readonly resources: readonly ResourceSpec[]) {
    this.allocation = new ResourceAllocation(resources, false);
  }

  preScore(state: CycleState, pod: PodInfo): MaybeStatus {
    state.write(PRE_SCORE_KEY, this.allocation.podRequests(pod));
    return undefined;
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const a = this.allocation;
    a.fill(node, state.read<Float64Array>(PRE_SCORE_KEY) ?? a.podRequests(pod));
    return balancedScore(a.requested, a.allocatable);
  }
}

/** args: `resources: [{name, weight: 1}]` (weights must be 1: the deviation treats resources alike). Default cpu, memory. */
export const balancedAllocationFactory: PluginFactory = (raw) => {
  const args = checkArgs(NODE_RESOURCES_BALANCED_ALLOCATION, raw, ['resources']);
  return new BalancedAllocation(parseResourceSpecs(NODE_RESOURCES_BALANCED_ALLOCATION, 'resources', args.resources, 1));
};
