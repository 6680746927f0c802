/**
 * The RollingUpdate arithmetic of kube's deployment controller (pkg/controller/deployment/rolling.go and
 * util/deployment_util.go), as pure functions over the Deployment and its ReplicaSets' cached state.
 */
import type { Deployment, ReplicaSet } from '../../../api/types/apps.js';
import {
  activeReplicaSets, availableReplicas, byCreation, specReplicas, totalAvailableReplicas, totalSpecReplicas,
} from './replica-counts.js';

/** An int-or-percent of `total`: percents round up for surge, down for unavailability (so both err on the safe side). */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const exact = (Number(value.replace(/%$/, '')) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * [maxSurge, maxUnavailable] in pods for `desired` replicas. Both 0 (possible through rounding) would
 * stall a rollout, so unavailability becomes 1 then.
 */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): [number, number] {
  const surge = scaledValue(maxSurge, desired, true);
  const unavailable = scaledValue(maxUnavailable, desired, false);
  return surge === 0 && unavailable === 0 ? [0, 1] : [surge, unavailable];
}

export const desiredReplicas = (d: Deployment): number => d.spec.replicas ?? 1;
export const isRollingUpdate = (d: Deployment): boolean => (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

function fenceposts(d: Deployment): [number, number] {
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', desiredReplicas(d));
}

/** Pods allowed above `replicas` during a rolling update (0 for Recreate). */
export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d)[0] : 0;
}

/** Pods allowed to be unavailable during a rolling update, never more than `replicas` (0 for Recreate). */
export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d)[1], replicas);
}

/** The size the new ReplicaSet may grow to now: up to `replicas`, without all ReplicaSets exceeding replicas + maxSurge. */
export function newReplicaSetSize(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d)) return replicas;
  const maxTotal = replicas + maxSurge(d);
  const current = totalSpecReplicas(allRSs);
  if (current >= maxTotal) return specReplicas(newRS);
  return specReplicas(newRS) + Math.min(maxTotal - current, replicas - specReplicas(newRS));
}

/**
 * New sizes for old ReplicaSets (only those that change), so that at least replicas - maxUnavailable pods
 * stay available. First old pods that are not available anyway are dropped (they do not count against
 * availability, and a stuck old ReplicaSet must not block the rollout), oldest ReplicaSet first; then
 * available old pods, as far as the available total allows.
 */
export function oldReplicaSetSizes(d: Deployment, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Map<string, number> {
  const sizes = new Map<string, number>();
  const active = activeReplicaSets(oldRSs).sort(byCreation);
  if (totalSpecReplicas(active) === 0) return sizes;
  const sizeOf = (rs: ReplicaSet): number => sizes.get(rs.metadata.name!) ?? specReplicas(rs);
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = newRS ? specReplicas(newRS) - availableReplicas(newRS) : 0;
  const maxScaledDown = totalSpecReplicas(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return sizes;

  let cleaned = 0;
  for (const rs of active) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = specReplicas(rs) - availableReplicas(rs);
    if (unhealthy <= 0) continue;
    const drop = Math.min(maxScaledDown - cleaned, unhealthy);
    sizes.set(rs.metadata.name!, specReplicas(rs) - drop);
    cleaned += drop;
  }

  const available = totalAvailableReplicas(allRSs);
  const toScaleDown = available - minAvailable;
  let scaledDown = 0;
  for (const rs of active) {
    if (scaledDown >= toScaleDown) break;
    const size = sizeOf(rs);
    if (size === 0) continue;
    const drop = Math.min(size, toScaleDown - scaledDown);
    sizes.set(rs.metadata.name!, size - drop);
    scaledDown += drop;
  }
  return sizes;
}
