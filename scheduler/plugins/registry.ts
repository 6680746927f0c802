/** Every plugin Cairn's scheduler knows, by the name profiles use (kube-scheduler's names). */
import type { PluginFactory } from '../framework/types.js';
import { balancedAllocationFactory, NODE_RESOURCES_BALANCED_ALLOCATION } from './balanced-allocation.js';
import { defaultBinderFactory, DEFAULT_BINDER } from './default-binder.js';
import { defaultPreemptionFactory, DEFAULT_PREEMPTION } from './default-preemption.js';
import { interPodAffinityFactory, INTER_POD_AFFINITY } from './inter-pod-affinity.js';
import { nodeAffinityFactory, NODE_AFFINITY } from './node-affinity.js';
import { nodeNameFactory, NODE_NAME } from './node-name.js';
import { nodeResourcesFitFactory, NODE_RESOURCES_FIT } from './node-resources-fit.js';
import { nodeUnschedulableFactory, NODE_UNSCHEDULABLE } from './node-unschedulable.js';
import { podTopologySpreadFactory, POD_TOPOLOGY_SPREAD } from './pod-topology-spread.js';
import { taintTolerationFactory, TAINT_TOLERATION } from './taint-toleration.js';

export const pluginRegistry: ReadonlyMap<string, PluginFactory> = new Map([
  [NODE_UNSCHEDULABLE, nodeUnschedulableFactory],
  [NODE_NAME, nodeNameFactory],
  [TAINT_TOLERATION, taintTolerationFactory],
  [NODE_AFFINITY, nodeAffinityFactory],
  [NODE_RESOURCES_FIT, nodeResourcesFitFactory],
  [POD_TOPOLOGY_SPREAD, podTopologySpreadFactory],
  [INTER_POD_AFFINITY, interPodAffinityFactory],
  [DEFAULT_PREEMPTION, defaultPreemptionFactory],
  [NODE_RESOURCES_BALANCED_ALLOCATION, balancedAllocationFactory],
  [DEFAULT_BINDER, defaultBinderFactory],
]);

/** The default profile's plugins in kube-scheduler's order, with their default score weights. */
export const DEFAULT_PLUGINS: readonly { name: string; weight: number }[] = [
  { name: NODE_UNSCHEDULABLE, weight: 0 },
  { name: NODE_NAME, weight: 0 },
  { name: TAINT_TOLERATION, weight: 3 },
  { name: NODE_AFFINITY, weight: 2 },
  { name: NODE_RESOURCES_FIT, weight: 1 },
  { name: POD_TOPOLOGY_SPREAD, weight: 2 },
  { name: INTER_POD_AFFINITY, weight: 2 },
  { name: DEFAULT_PREEMPTION, weight: 0 },
  { name: NODE_RESOURCES_BALANCED_ALLOCATION, weight: 1 },
  { name: DEFAULT_BINDER, weight: 0 },
];
