/** When a pod must leave a node with NoExecute taints, as kube's taint eviction (NoExecuteTaintManager) decides. */
import type { Pod, Taint, Toleration } from '../../../api/types/core.js';
import { tolerates } from '../../../scheduler/framework/taints.js';

export type EvictionDecision =
  | { kind: 'never' }
  /** Delete at `at` (ms since epoch); a time in the past means now. */
  | { kind: 'at'; at: number };

/**
 * Every NoExecute taint must be tolerated or the pod goes now. Of the tolerations used, the shortest
 * tolerationSeconds wins (none: tolerated forever; zero or negative: now). Cairn counts from the taint's
 * timeAdded (not from when this controller saw it, as kube does), so a controller restart does not reset the clock.
 */
export function evictionDecision(tolerations: readonly Toleration[] | undefined, taints: readonly Taint[] | undefined, now: number): EvictionDecision {
  let at = Infinity;
  for (const taint of taints ?? []) {
    if (taint.effect !== 'NoExecute') continue;
    const used = (tolerations ?? []).filter((t) => tolerates(t, taint));
    if (!used.length) return { kind: 'at', at: now };
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN;
    const from = Number.isFinite(added) ? Math.min(added, now) : now;
    for (const t of used) {
      if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
      at = Math.min(at, from + Math.max(0, t.tolerationSeconds) * 1000);
    }
  }
  return at === Infinity ? { kind: 'never' } : { kind: 'at', at };
}

/** Pods that eviction leaves alone: already finished or already being deleted. */
export function isEvictable(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}
