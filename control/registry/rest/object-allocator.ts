import type { ApiObject } from '../../../api/meta.js';
import type { Companions } from '../storage/etcd-store.js';

/** Writes the object, as it is at the call, together with `companions` in one etcd transaction; resolves with its revision. */
export type CompanionWrite = (companions: Companions) => Promise<number>;

/**
 * Values a kind hands out from a shared range (a Service's cluster IP and node ports; kube-apiserver's allocators).
 * Each handed-out value is one etcd key, claimed or released in the same transaction as the object holding it,
 * so objects and allocations never disagree, whichever registry process wrote. The store calls these after
 * validation and admission, at the write itself; a write failing for the object's own precondition
 * (PreconditionFailed) is passed through for the store's retry.
 */
export interface ObjectAllocator {
  /** Fills the new object's unset allocated fields and writes it claiming what it holds; 422 for a value it may not have. */
  create(obj: ApiObject, write: CompanionWrite): Promise<number>;
  /** Writes `next`, claiming what it holds beyond `current` (filling unset values) and releasing what it no longer holds. */
  update(next: ApiObject, current: ApiObject, write: CompanionWrite): Promise<number>;
  /** Removes `current` (the write deletes it), releasing everything it holds. */
  remove(current: ApiObject, write: CompanionWrite): Promise<number>;
}
