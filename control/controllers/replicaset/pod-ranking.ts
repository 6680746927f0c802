/**
 * Which pods a ReplicaSet removes first when it scales down: kube's ActivePodsWithRanks order, so the
 * pods deleted are those whose loss hurts least (not yet placed, not yet running, not yet serving).
 */
import type { Pod } from '../../../api/types/core.js';
import { podReadySince } from './pod-state.js';

/** Lower costs go first (kube's pod-deletion-cost); a value that is not a whole number counts as 0. */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const text = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : 0;
}

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

const time = (stamp: string | undefined): number => (stamp ? Date.parse(stamp) : 0);

/** Negative when `a` (time) sorts before `b`: unset first, then later (newer) before earlier. */
function newerFirst(a: number, b: number): number {
  if (a === b) return 0;
  if (!a || !b) return a ? 1 : -1;
  return b - a;
}

/**
 * Compares two pods for deletion: negative when `a` should go before `b`. `rankA`/`rankB` are how many of the
 * set's pods share each pod's node (doubled-up pods go first). In order of precedence:
 * unassigned < assigned; Pending < Unknown < Running; not ready < ready; lower deletion cost < higher;
 * more pods on the node < fewer; ready for less time < more; more container restarts < fewer; newer < older.
 */
export function compareForDeletion(a: Pod, b: Pod, rankA = 0, rankB = 0): number {
  const nodeA = a.spec.nodeName ?? '';
  const nodeB = b.spec.nodeName ?? '';
  if (nodeA !== nodeB && (!nodeA || !nodeB)) return nodeA ? 1 : -1;
  const phase = (PHASE_ORDER[a.status?.phase ?? ''] ?? 0) - (PHASE_ORDER[b.status?.phase ?? ''] ?? 0);
  if (phase) return phase;
  const readyA = podReadySince(a);
  const readyB = podReadySince(b);
  if ((readyA === undefined) !== (readyB === undefined)) return readyA === undefined ? -1 : 1;
  const cost = deletionCost(a) - deletionCost(b);
  if (cost) return cost;
  if (rankA !== rankB) return rankB - rankA;
  if (readyA !== undefined && readyB !== undefined) {
    const since = newerFirst(readyA, readyB);
    if (since) return since;
  }
  const restarts = maxRestarts(b) - maxRestarts(a);
  if (restarts) return restarts;
  return newerFirst(time(a.metadata.creationTimestamp), time(b.metadata.creationTimestamp));
}

/** The `count` pods of `pods` to delete first, ranked against each other (kube's getPodsToDelete). */
export function podsToDelete(pods: readonly Pod[], count: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const pod of pods) {
    const node = pod.spec.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const rank = (pod: Pod): number => onNode.get(pod.spec.nodeName ?? '') ?? 0;
  return [...pods].sort((a, b) => compareForDeletion(a, b, rank(a), rank(b))).slice(0, count);
}
