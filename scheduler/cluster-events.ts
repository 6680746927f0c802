/** Which cluster events an informer update amounts to, for the queue's requeue decisions. */
import type { Node, Pod } from '../api/types/core.js';
import type { ClusterEvent } from './framework/types.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function nodeEvents(old: Node, node: Node): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  if (!same(old.metadata.labels, node.metadata.labels)) events.push('NodeLabelChange');
  if (!same(old.spec?.taints, node.spec?.taints)) events.push('NodeTaintChange');
  if (!same(old.status?.allocatable, node.status?.allocatable)) events.push('NodeAllocatableChange');
  if (Boolean(old.spec?.unschedulable) !== Boolean(node.spec?.unschedulable)) events.push('NodeSchedulableChange');
  return events;
}

/** A pending pod's update matters to scheduling only if what it asks for changed: spec, labels or annotations. */
export function podChangedForScheduling(old: Pod, pod: Pod): boolean {
  return !same(old.spec, pod.spec) || !same(old.metadata.labels, pod.metadata.labels) || !same(old.metadata.annotations, pod.metadata.annotations);
}
