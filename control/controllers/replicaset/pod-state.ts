/** What the ReplicaSet controller reads from a pod's status. */
import type { Pod } from '../../../api/types/core.js';

/** Pods that count towards replicas: not finished and not being deleted (kube's IsPodActive). */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/**
 * When a Ready pod became ready (ms since the epoch; 0 when its condition has no transition time),
 * or undefined when it is not Ready.
 */
export function podReadySince(pod: Pod): number | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return undefined;
  return ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : 0;
}

/**
 * Ready for at least `minReadySeconds` at `now` (kube's IsPodAvailable). With minReadySeconds 0 any
 * Ready pod is available; otherwise the Ready condition must say since when.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const since = podReadySince(pod);
  if (since === undefined) return false;
  return minReadySeconds === 0 || (since > 0 && since + minReadySeconds * 1000 <= now);
}
