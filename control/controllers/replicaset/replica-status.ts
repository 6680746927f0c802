/** The status a ReplicaSet reports about the pods it controls (kube's calculateStatus), computed purely. */
import type { ReplicaSet, ReplicaSetStatus } from '../../../api/types/apps.js';
import type { Condition, Pod } from '../../../api/types/core.js';
import { isPodAvailable, podReadySince } from './pod-state.js';

export const REPLICA_FAILURE = 'ReplicaFailure';
export const REASON_FAILED_CREATE = 'FailedCreate';
export const REASON_FAILED_DELETE = 'FailedDelete';

/** A failed create or delete in this sync: reported as the ReplicaFailure condition until a sync succeeds. */
export interface ManageFailure {
  reason: typeof REASON_FAILED_CREATE | typeof REASON_FAILED_DELETE;
  message: string;
}

export interface ComputedStatus {
  status: ReplicaSetStatus;
  /** When set, a Ready pod becomes available (minReadySeconds) this many ms from now: look again then. */
  recheckInMs?: number;
}

function hasLabels(pod: Pod, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([k, v]) => pod.metadata.labels?.[k] === v);
}

/** Status for `rs` given its active, controlled `pods` at `now`. */
export function computeStatus(rs: ReplicaSet, pods: readonly Pod[], now: number, failure?: ManageFailure): ComputedStatus {
  const minReady = rs.spec.minReadySeconds ?? 0;
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  let ready = 0;
  let available = 0;
  let recheckInMs: number | undefined;
  for (const pod of pods) {
    const since = podReadySince(pod);
    if (since === undefined) continue;
    ready++;
    if (isPodAvailable(pod, minReady, now)) available++;
    else if (since > 0) recheckInMs = Math.min(recheckInMs ?? Infinity, since + minReady * 1000 - now);
  }
  const conditions = (rs.status?.conditions ?? []).filter((c) => c.type !== REPLICA_FAILURE);
  if (failure) {
    const previous = rs.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
    const condition: Condition = { type: REPLICA_FAILURE, status: 'True', reason: failure.reason, message: failure.message,
      lastTransitionTime: previous?.lastTransitionTime ?? new Date(now).toISOString().replace(/\.\d+Z$/, 'Z') };
    conditions.push(condition);
  }
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((p) => hasLabels(p, templateLabels)).length,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation,
    ...(conditions.length ? { conditions } : {}),
  };
  return recheckInMs === undefined ? { status } : { status, recheckInMs: Math.max(0, recheckInMs) };
}
