import type { ApiObject } from './meta.js';
import type { FieldError } from './errors.js';

/**
 * What the registry needs to know about one kind beyond storage: how to default, validate and select it.
 * Implementations live in api/kinds/<kind>.ts and are pure (no I/O), so they are table-tested.
 */
export interface KindStrategy<T extends ApiObject = ApiObject> {
  /** Fill defaulted fields in place, as Kubernetes' defaulters do (e.g. container imagePullPolicy, service type). Runs before every validation. */
  applyDefaults(obj: T): void;
  /** Reset fields a client may not set on create (e.g. a new Pod's status becomes `{phase: Pending}`). Runs before applyDefaults on create. */
  prepareForCreate?(obj: T): void;
  /** Carry over, on a main-resource update, fields only a subresource may change (e.g. a Namespace's spec.finalizers). */
  prepareForUpdate?(obj: T, old: T): void;
  /** Every problem with a new object (metadata included), each naming its field path; empty when valid. */
  validate(obj: T): FieldError[];
  /** validate(obj) plus the rules that compare with the stored object: immutable fields and allowed transitions. */
  validateUpdate(obj: T, old: T): FieldError[];
  /** Values for field selectors: always `metadata.name` and, if namespaced, `metadata.namespace`; plus the kind's own (Pod: spec.nodeName, status.phase...). */
  selectableFields(obj: T): Record<string, string>;
}
