/** Which cluster events an informer update amounts to, for the queue's requeue decisions. */
import type { ApiObject } from '../api/meta.js';
import type { Node, Pod } from '../api/types/core.js';
import type { ClusterEvent } from './framework/types.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function labelsChanged(old: ApiObject, obj: ApiObject): boolean {
  return !same(old.metadata.labels ?? {}, obj.metadata.labels ?? {});
}

export function nodeEvents(old: Node, node: Node): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  if (labelsChanged(old, node)) events.push('NodeLabelChange');
  if (!same(old.spec?.taints, node.spec?.taints)) events.push('NodeTaintChange');
  if (!same(old.status?.allocatable, node.status?.allocatable)) events.push('NodeAllocatableChange');
  if (Boolean(old.spec?.unschedulable) !== Boolean(node.spec?.unschedulable)) events.push('NodeSchedulableChange');
  return events;
}

/** A pending pod's update matters to scheduling only if what it asks for changed: spec, labels or annotations. */
export function podChangedForScheduling(old: Pod, pod: Pod): boolean {
  return !same(old.spec, pod.spec) || labelsChanged(old, pod) || !same(old.metadata.annotations, pod.metadata.annotations);
}
