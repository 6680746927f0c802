/**
 * Deployment status and conditions (kube's deployment sync.go / progress.go), pure over a clock reading:
 * counts come from the ReplicaSets; `Available` says whether replicas - maxUnavailable pods are available;
 * `Progressing` says whether the rollout moves (NewReplicaSetCreated / ReplicaSetUpdated), finished
 * (NewReplicaSetAvailable) or stalled past progressDeadlineSeconds (False, ProgressDeadlineExceeded).
 */
import type { Deployment, DeploymentStatus, ReplicaSet } from '../../../api/types/apps.js';
import type { Condition } from '../../../api/types/core.js';
import { CONDITION_AVAILABLE, CONDITION_PROGRESSING, CONDITION_REPLICA_FAILURE, NO_PROGRESS_DEADLINE, Reasons } from './constants.js';
import { totalAvailableReplicas, totalReadyReplicas, totalSpecReplicas, totalStatusReplicas } from './replica-counts.js';
import { desiredReplicas, maxUnavailable } from './rolling.js';

/** Status as kube has it: collisionCount is not in Cairn's shared type yet. */
export type DeploymentStatusFull = DeploymentStatus & { collisionCount?: number };

/** Second-precision RFC 3339, as kube serialises metav1.Time. */
export const timestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export function getCondition(status: DeploymentStatus | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
  const t = timestamp(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** Sets `cond` unless one of its type already has the same status and reason; keeps lastTransitionTime while status holds. */
export function setCondition(status: DeploymentStatus, cond: Condition): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  const next = current && current.status === cond.status ? { ...cond, lastTransitionTime: current.lastTransitionTime } : cond;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (status.conditions) status.conditions = status.conditions.filter((c) => c.type !== type);
}

export const hasProgressDeadline = (d: Deployment): boolean =>
  d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== NO_PROGRESS_DEADLINE;

/** Counts, observedGeneration and the Available condition, from the Deployment's ReplicaSets. */
export function calculateStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: number): DeploymentStatusFull {
  const available = totalAvailableReplicas(allRSs);
  const old = d.status as DeploymentStatusFull | undefined;
  const status: DeploymentStatusFull = {
    observedGeneration: d.metadata.generation,
    replicas: totalStatusReplicas(allRSs),
    updatedReplicas: totalStatusReplicas([newRS]),
    readyReplicas: totalReadyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, totalSpecReplicas(allRSs) - available),
    ...(old?.collisionCount !== undefined ? { collisionCount: old.collisionCount } : {}),
    conditions: [...(old?.conditions ?? [])],
  };
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(CONDITION_AVAILABLE, 'True', Reasons.MinimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(CONDITION_AVAILABLE, 'False', Reasons.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** Every pod is updated and available, and the controller has seen the latest spec. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const replicas = desiredReplicas(d);
  return s.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas
    && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Something moved since the last recorded status: more updated, ready or available pods, or fewer old ones. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld
    || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** The last progress is older than progressDeadlineSeconds (a finished rollout never times out). */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(s, CONDITION_PROGRESSING);
  if (!cond || cond.reason === Reasons.NewReplicaSetAvailable) return false;
  if (cond.reason === Reasons.ProgressDeadlineExceeded) return true;
  return Date.parse(cond.lastUpdateTime ?? '') + (d.spec.progressDeadlineSeconds ?? 0) * 1000 < now;
}

/** The status a rollout step leaves: calculateStatus plus the Progressing and ReplicaFailure conditions. */
export function rolloutStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: number): DeploymentStatusFull {
  const status = calculateStatus(d, allRSs, newRS, now);
  if (!hasProgressDeadline(d)) removeCondition(status, CONDITION_PROGRESSING);
  const current = getCondition(d.status, CONDITION_PROGRESSING);
  const complete = status.replicas === status.updatedReplicas && current?.reason === Reasons.NewReplicaSetAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const name = newRS?.metadata.name;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition(CONDITION_PROGRESSING, 'True', Reasons.NewReplicaSetAvailable,
        name ? `ReplicaSet "${name}" has successfully progressed.` : 'Deployment has successfully progressed.', now));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime (the deadline counts from it) but not lastTransitionTime.
      const cond = newCondition(CONDITION_PROGRESSING, 'True', Reasons.ReplicaSetUpdated,
        name ? `ReplicaSet "${name}" is progressing.` : 'Deployment is progressing.', now);
      if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, CONDITION_PROGRESSING);
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(status, newCondition(CONDITION_PROGRESSING, 'False', Reasons.ProgressDeadlineExceeded,
        name ? `ReplicaSet "${name}" has timed out progressing.` : 'Deployment has timed out progressing.', now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, CONDITION_REPLICA_FAILURE);
  return status;
}

/** A ReplicaSet's ReplicaFailure (e.g. pods refused by quota), the new ReplicaSet's first. */
function replicaFailure(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Condition | undefined {
  for (const rs of [newRS, ...allRSs.filter((r) => r !== newRS)]) {
    const c = rs?.status?.conditions?.find((x) => x.type === CONDITION_REPLICA_FAILURE && x.status === 'True');
    if (c) return { type: CONDITION_REPLICA_FAILURE, status: 'True', reason: c.reason, message: c.message, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime };
  }
  return undefined;
}

/** The Progressing condition pause/resume leaves (Unknown), or undefined when nothing changes; a timed-out rollout keeps its condition. */
export function pauseCondition(d: Deployment, now: number): Condition | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const cond = getCondition(d.status, CONDITION_PROGRESSING);
  if (cond?.reason === Reasons.ProgressDeadlineExceeded) return undefined;
  const pausedShown = cond?.reason === Reasons.DeploymentPaused;
  if (d.spec.paused && !pausedShown) return newCondition(CONDITION_PROGRESSING, 'Unknown', Reasons.DeploymentPaused, 'Deployment is paused', now);
  if (!d.spec.paused && pausedShown) return newCondition(CONDITION_PROGRESSING, 'Unknown', Reasons.DeploymentResumed, 'Deployment is resumed', now);
  return undefined;
}

/** When to look again so a stalled rollout is marked ProgressDeadlineExceeded on time; undefined when no deadline runs. */
export function progressRecheckDelay(d: Deployment, status: DeploymentStatus, now: number): number | undefined {
  const cond = getCondition(status, CONDITION_PROGRESSING);
  if (!hasProgressDeadline(d) || d.spec.paused || !cond || deploymentComplete(d, status)) return undefined;
  if (cond.reason === Reasons.ProgressDeadlineExceeded || cond.reason === Reasons.NewReplicaSetAvailable) return undefined;
  const due = Date.parse(cond.lastUpdateTime ?? '') + (d.spec.progressDeadlineSeconds ?? 0) * 1000;
  return Number.isFinite(due) ? Math.max(1000, due - now + 1000) : undefined;
}
