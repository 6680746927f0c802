/** spec.activeDeadlineSeconds: how long a pod may be active on the node, counted from status.startTime. Pure. */
import type { Pod } from '../../../api/types/core.js';

export const DeadlineExceeded = {
  reason: 'DeadlineExceeded',
  message: 'Pod was active on the node longer than the specified deadline',
} as const;

/**
 * Milliseconds left (<= 0 once exceeded); undefined without a deadline, before the pod has started, and once
 * it has ended (a Succeeded or Failed pod is no longer active: its phase and reason stay).
 */
export function deadlineRemainingMs(pod: Pod, now: Date): number | undefined {
  const seconds = pod.spec.activeDeadlineSeconds;
  const start = pod.status?.startTime;
  if (seconds === undefined || !start || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return undefined;
  return Date.parse(start) + seconds * 1000 - now.getTime();
}
