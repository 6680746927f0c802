import type { OwnerReference } from '../../../api/meta.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, type PropagationPolicy } from '../../registry/rest/deletion-propagation.js';

/**
 * One owner reference, checked against the live API:
 * - `solid`: the owner exists (same UID) and is not being deleted in the foreground;
 * - `dangling`: no object by that name, or another incarnation (UID mismatch);
 * - `waiting`: the owner is being deleted in the foreground, waiting for its dependents;
 * - `unresolvable`: the reference cannot be looked up (unknown kind, or a namespaced owner of a cluster-scoped object).
 */
export type OwnerState = 'solid' | 'dangling' | 'waiting' | 'unresolvable';

export interface OwnerCheck {
  ref: OwnerReference;
  state: OwnerState;
}

export type DependentAction =
  | { type: 'keep' }
  /** Other owners keep the object: only the references to gone or foreground-deleting owners are dropped. */
  | { type: 'removeOwnerReferences'; uids: string[] }
  | { type: 'delete'; policy: PropagationPolicy };

/**
 * What to do with an object given its checked owners, as kube's attemptToDeleteItem: any solid owner keeps it;
 * when every owner is gone or foreground-deleting it is deleted, in the foreground itself if it has dependents
 * of its own and an owner waits (so the wait cascades down), else with the policy its own GC finalizer names.
 * An unresolvable reference keeps the object: Cairn cannot prove that owner gone.
 */
export function planDependent(checks: OwnerCheck[], item: { finalizers: string[]; hasDependents: boolean }): DependentAction {
  if (checks.length === 0 || checks.some((c) => c.state === 'unresolvable')) return { type: 'keep' };
  const uids = (state: OwnerState): string[] => checks.filter((c) => c.state === state).map((c) => c.ref.uid);
  const dangling = uids('dangling');
  const waiting = uids('waiting');
  if (uids('solid').length) {
    return dangling.length || waiting.length ? { type: 'removeOwnerReferences', uids: [...dangling, ...waiting] } : { type: 'keep' };
  }
  if (waiting.length && item.hasDependents) return { type: 'delete', policy: 'Foreground' };
  if (item.finalizers.includes(ORPHAN_FINALIZER)) return { type: 'delete', policy: 'Orphan' };
  if (item.finalizers.includes(FOREGROUND_FINALIZER)) return { type: 'delete', policy: 'Foreground' };
  return { type: 'delete', policy: 'Background' };
}
