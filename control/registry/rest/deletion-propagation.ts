import { invalid, invalidObject, notSupported, type FieldError, type ApiError } from '../../../api/errors.js';

/** The finalizer that keeps an owner until the garbage collector has deleted its blocking dependents. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
/** The finalizer that keeps an owner until the garbage collector has removed it from its dependents' ownerReferences. */
export const ORPHAN_FINALIZER = 'orphan';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';
const POLICIES: readonly PropagationPolicy[] = ['Orphan', 'Background', 'Foreground'];

/** The garbage-collection part of DeleteOptions. */
export interface PropagationOptions {
  propagationPolicy?: PropagationPolicy;
  /** Deprecated form of propagationPolicy: true is Orphan, false is Background. */
  orphanDependents?: boolean;
}

/**
 * What a kind does when DELETE names no policy, as kube's DefaultGarbageCollectionPolicy:
 * `Unsupported` kinds (Events) never get a GC finalizer, whatever the request says.
 * Every other kind Cairn serves defaults to Background, as apps/v1 and core kinds do in kube.
 */
type DefaultPolicy = 'Background' | 'Unsupported';
const DEFAULT_POLICY: Record<string, DefaultPolicy> = { Event: 'Unsupported' };

/** Rejects contradictory or unknown options, as kube's ValidateDeleteOptions. */
export function validatePropagation(opts: PropagationOptions): void {
  const policy = opts.propagationPolicy;
  if (policy !== undefined && !POLICIES.includes(policy)) throw invalidDeleteOptions(notSupported('propagationPolicy', policy, POLICIES));
  if (opts.orphanDependents !== undefined && typeof opts.orphanDependents !== 'boolean') {
    throw invalidDeleteOptions(invalid('orphanDependents', opts.orphanDependents, 'must be a boolean'));
  }
  if (policy !== undefined && opts.orphanDependents !== undefined) {
    throw invalidDeleteOptions(invalid('orphanDependents', opts.orphanDependents, 'OrphanDependents and DeletionPropagation cannot be both set'));
  }
}

function invalidDeleteOptions(error: FieldError): ApiError {
  return invalidObject('DeleteOptions', '', [error], 'meta.k8s.io');
}

/**
 * The finalizers a deleted object carries, as kube's deletionFinalizersForGarbageCollection: the request's
 * policy wins, then a GC finalizer already on the object, then the kind's default. Orphan adds `orphan`,
 * Foreground adds `foregroundDeletion`, Background adds neither; the opposite GC finalizer is dropped.
 * Returns the input array itself when nothing changes.
 */
export function finalizersForDeletion(kind: string, finalizers: string[] | undefined, opts: PropagationOptions): string[] | undefined {
  if ((DEFAULT_POLICY[kind] ?? 'Background') === 'Unsupported') return finalizers;
  const current = finalizers ?? [];
  const policy = requestedPolicy(opts) ?? policyFromFinalizers(current) ?? 'Background';
  const kept = current.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (policy === 'Orphan') kept.push(ORPHAN_FINALIZER);
  if (policy === 'Foreground') kept.push(FOREGROUND_FINALIZER);
  const same = kept.length === current.length && kept.every((f) => current.includes(f));
  return same ? finalizers : kept;
}

function requestedPolicy(opts: PropagationOptions): PropagationPolicy | undefined {
  if (opts.orphanDependents !== undefined) return opts.orphanDependents ? 'Orphan' : 'Background';
  return opts.propagationPolicy;
}

function policyFromFinalizers(finalizers: string[]): PropagationPolicy | undefined {
  if (finalizers.includes(ORPHAN_FINALIZER)) return 'Orphan';
  if (finalizers.includes(FOREGROUND_FINALIZER)) return 'Foreground';
  return undefined;
}
