/**
 * Scaling a Deployment in the middle of a rollout (kube's `scale` in sync.go): the change is spread over
 * the active ReplicaSets in proportion to their sizes, so a half-done rollout stays half done.
 */
import type { Deployment, ReplicaSet } from '../../../api/types/apps.js';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION } from './constants.js';
import { activeReplicaSets, availableReplicas, byCreation, specReplicas, totalSpecReplicas } from './replica-counts.js';
import { desiredReplicas, isRollingUpdate, maxSurge } from './rolling.js';

export interface ScaleStep { rs: ReplicaSet; replicas: number }

const annotatedInt = (rs: ReplicaSet, key: string): number | undefined => {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
};

/** True when an active ReplicaSet was last sized for another `replicas`: the user scaled the Deployment. */
export function isScalingEvent(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[]): boolean {
  return activeReplicaSets(allRSs).some((rs) => {
    const desired = annotatedInt(rs, DESIRED_REPLICAS_ANNOTATION);
    return desired !== undefined && desired !== desiredReplicas(d);
  });
}

/** The only active ReplicaSet; with none active, the new one or else the newest old one; undefined with several active. */
function activeOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** The new ReplicaSet alone serves the Deployment: sized, annotated and fully available at `replicas`. */
function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const replicas = desiredReplicas(d);
  return specReplicas(rs) === replicas && annotatedInt(rs, DESIRED_REPLICAS_ANNOTATION) === replicas && availableReplicas(rs) === replicas;
}

/** What rs's share of the change is: its size scaled from the max-replicas it was sized for to today's. */
function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (desiredReplicas(d) === 0) {
    fraction = -specReplicas(rs);
  } else {
    const annotated = annotatedInt(rs, MAX_REPLICAS_ANNOTATION) ?? d.status?.replicas ?? 0;
    const target = annotated === 0 ? specReplicas(rs) : Math.round((specReplicas(rs) * (desiredReplicas(d) + maxSurge(d))) / annotated);
    fraction = target - specReplicas(rs);
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * The sizes to scale to; a step whose size is unchanged still refreshes the ReplicaSet's desired/max
 * annotations. Leftovers from rounding go to the largest ReplicaSet.
 */
export function proportionalScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ScaleStep[] {
  const replicas = desiredReplicas(d);
  const single = activeOrLatest(newRS, oldRSs);
  if (single) return specReplicas(single) === replicas ? [] : [{ rs: single, replicas }];
  if (isSaturated(d, newRS)) return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];

  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - totalSpecReplicas(all);
  // Largest first; on ties the newest grows first and the oldest shrinks first.
  if (toAdd > 0) all.sort((a, b) => specReplicas(b) - specReplicas(a) || byCreation(b, a));
  else if (toAdd < 0) all.sort((a, b) => specReplicas(b) - specReplicas(a) || byCreation(a, b));
  let added = 0;
  const steps = all.map((rs) => {
    const share = toAdd === 0 ? 0 : proportion(rs, d, toAdd, added);
    added += share;
    return { rs, replicas: specReplicas(rs) + share };
  });
  if (toAdd !== 0 && steps.length) steps[0]!.replicas = Math.max(0, steps[0]!.replicas + toAdd - added);
  return steps;
}
