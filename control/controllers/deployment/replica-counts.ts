/** Sums over ReplicaSets and their ordering, as kube's deployment util (nil-safe: absent counts are 0). */
import type { ReplicaSet } from '../../../api/types/apps.js';

export const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 0;
export const statusReplicas = (rs: ReplicaSet): number => rs.status?.replicas ?? 0;
export const availableReplicas = (rs: ReplicaSet): number => rs.status?.availableReplicas ?? 0;
export const readyReplicas = (rs: ReplicaSet): number => rs.status?.readyReplicas ?? 0;

const sum = (list: readonly (ReplicaSet | undefined)[], of: (rs: ReplicaSet) => number): number =>
  list.reduce((n, rs) => n + (rs ? of(rs) : 0), 0);

/** Desired pods (spec) across `list`. */
export const totalSpecReplicas = (list: readonly (ReplicaSet | undefined)[]): number => sum(list, specReplicas);
/** Pods that exist (status) across `list`. */
export const totalStatusReplicas = (list: readonly (ReplicaSet | undefined)[]): number => sum(list, statusReplicas);
export const totalAvailableReplicas = (list: readonly (ReplicaSet | undefined)[]): number => sum(list, availableReplicas);
export const totalReadyReplicas = (list: readonly (ReplicaSet | undefined)[]): number => sum(list, readyReplicas);

/** ReplicaSets that want pods. */
export const activeReplicaSets = (list: readonly (ReplicaSet | undefined)[]): ReplicaSet[] =>
  list.filter((rs): rs is ReplicaSet => !!rs && specReplicas(rs) > 0);

/** Oldest first; ties by name, so every sync sees one order. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}
