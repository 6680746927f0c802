/**
 * What the pod garbage collector deletes in one pass, decided from cached pods and nodes alone (pure), as kube's
 * PodGC does: terminated pods past a threshold (oldest first), terminating pods on out-of-service nodes,
 * pods bound to nodes confirmed gone, and terminating pods never scheduled. Every deletion is forced
 * (gracePeriodSeconds=0): no agent is left to confirm it, or the pod has already ended.
 */
import type { Condition, Node, Pod } from '../../../api/types/core.js';

/** The taint an admin puts on a node known to be shut down, so its terminating pods are let go (kube's TaintNodeOutOfService). */
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

/** Why a pod is collected; also the Event reason. */
export const Reasons = {
  /** More terminated pods than the threshold: the oldest go. */
  Terminated: 'PodGCTerminated',
  /** Terminating on a NotReady node an admin marked out of service. */
  TerminatingOutOfService: 'PodGCTerminatingOutOfService',
  /** Bound to a node that no longer exists (kube's DisruptionTarget reason). */
  Orphaned: 'DeletionByPodGC',
  /** Terminating without ever being scheduled: no agent will confirm. */
  TerminatingUnscheduled: 'PodGCTerminatingUnscheduled',
} as const;

export type Reason = (typeof Reasons)[keyof typeof Reasons];

export interface Collect {
  pod: Pod;
  reason: Reason;
  message: string;
  /** Added with phase Failed before deleting a pod that has not ended yet. */
  condition?: Condition;
}

export interface PlanInput {
  pods: readonly Pod[];
  nodes: readonly Node[];
  /** Node names confirmed deleted by a live read after their quarantine. */
  deletedNodes: ReadonlySet<string>;
  /** Terminated pods kept at most; 0 keeps them all. */
  terminatedThreshold: number;
  /** For the DisruptionTarget condition's lastTransitionTime. */
  now: string;
}

export const isTerminated = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const isTerminating = (pod: Pod): boolean => pod.metadata.deletionTimestamp !== undefined;
const isEvicted = (pod: Pod): boolean => pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted';
const isNodeReady = (node: Node): boolean => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** kube's byEvictionAndCreationTimestamp: evicted pods first (no controller waits on them), then oldest, then by name. */
export function collectionOrder(a: Pod, b: Pod): number {
  if (isEvicted(a) !== isEvicted(b)) return isEvicted(a) ? -1 : 1;
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** Names of nodes that bound pods point to but the node cache lacks: candidates for quarantine. */
export function missingNodes(pods: readonly Pod[], nodes: readonly Node[]): Set<string> {
  const known = new Set(nodes.map((n) => n.metadata.name!));
  const missing = new Set<string>();
  for (const pod of pods) if (pod.spec.nodeName && !known.has(pod.spec.nodeName)) missing.add(pod.spec.nodeName);
  return missing;
}

/** The pods to collect, each once (the first rule that matches wins, in kube's order). */
export function planCollection(input: PlanInput): Collect[] {
  const out = new Map<string, Collect>();
  const add = (c: Collect): void => {
    const key = c.pod.metadata.uid ?? `${c.pod.metadata.namespace}/${c.pod.metadata.name}`;
    if (!out.has(key)) out.set(key, c);
  };

  if (input.terminatedThreshold > 0) {
    const terminated = input.pods.filter(isTerminated);
    const excess = terminated.length - input.terminatedThreshold;
    if (excess > 0) {
      const message = `PodGC: more than ${input.terminatedThreshold} terminated pods; deleting the oldest`;
      for (const pod of [...terminated].sort(collectionOrder).slice(0, excess)) add({ pod, reason: Reasons.Terminated, message });
    }
  }

  const nodes = new Map(input.nodes.map((n) => [n.metadata.name!, n]));
  const outOfService = input.pods.filter((pod) => {
    const node = pod.spec.nodeName ? nodes.get(pod.spec.nodeName) : undefined;
    return isTerminating(pod) && node !== undefined && !isNodeReady(node) && (node.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE);
  });
  for (const pod of outOfService.sort(collectionOrder)) {
    add({ pod, reason: Reasons.TerminatingOutOfService, message: `PodGC: terminating on out-of-service node ${pod.spec.nodeName}` });
  }

  for (const pod of input.pods) {
    if (!pod.spec.nodeName || !input.deletedNodes.has(pod.spec.nodeName) || nodes.has(pod.spec.nodeName)) continue;
    const message = 'PodGC: node no longer exists';
    add({ pod, reason: Reasons.Orphaned, message, condition: { type: 'DisruptionTarget', status: 'True', reason: Reasons.Orphaned, message, lastTransitionTime: input.now } });
  }

  for (const pod of input.pods) {
    if (isTerminating(pod) && !pod.spec.nodeName) add({ pod, reason: Reasons.TerminatingUnscheduled, message: 'PodGC: terminating and never scheduled' });
  }
  return [...out.values()];
}
