/** Namespace (core/v1). */
import { invalid, type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import type { Namespace } from '../types/core.js';
import { isDns1123Label, isQualifiedName, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { child, index, metaSelectableFields, optEnum, optObject, optStringList, str, validateMetaUpdate } from './util.js';

const NAMESPACE_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'] as const;
/** The finalizer that makes the namespace controller empty a namespace before it goes away. */
export const FINALIZER_KUBERNETES = 'kubernetes';
/** Label every namespace carries with its own name, so selectors can pick namespaces by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function validate(ns: Namespace): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(ns, NAMESPACE_FIELDS, ''),
    ...validateObjectMeta(ns.metadata, { namespaced: false, nameValidator: isDns1123Label }),
  ];
  const spec = optObject(ns.spec, 'spec', errs);
  if (spec) {
    errs.push(...validateKnownFields(spec, ['finalizers'], 'spec'));
    (optStringList(spec.finalizers, 'spec.finalizers', errs) ?? []).forEach((f, i) => {
      const fp = index('spec.finalizers', i);
      for (const msg of isQualifiedName(f)) errs.push(invalid(fp, f, msg));
      // Unprefixed finalizer names are reserved for Kubernetes itself.
      if (!f.includes('/') && f !== FINALIZER_KUBERNETES) errs.push(invalid(fp, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    });
  }
  const status = optObject(ns.status, 'status', errs);
  if (status) {
    errs.push(...validateKnownFields(status, ['phase', 'conditions'], 'status'));
    optEnum(status.phase, child('status', 'phase'), ['Active', 'Terminating'], errs, true);
  }
  return errs;
}

export const namespaceStrategy = {
  /** A new namespace is Active and cannot disappear before the namespace controller has emptied it. */
  prepareForCreate(ns: Namespace): void {
    ns.status = { phase: 'Active' };
    const spec = isObject(ns.spec) ? ns.spec : (ns.spec = {});
    const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
    spec.finalizers = finalizers.includes(FINALIZER_KUBERNETES) ? finalizers : [...finalizers, FINALIZER_KUBERNETES];
  },
  /** spec.finalizers change only through the `finalize` subresource, as in Kubernetes. */
  prepareForUpdate(ns: Namespace, old: Namespace): void {
    if (isObject(old.spec)) ns.spec = { ...(isObject(ns.spec) ? ns.spec : {}), finalizers: old.spec.finalizers };
  },
  applyDefaults(ns: Namespace): void {
    const meta = ns.metadata;
    if (isObject(meta) && typeof meta.name === 'string' && meta.name) {
      if (meta.labels === undefined || meta.labels === null) meta.labels = { [NAMESPACE_NAME_LABEL]: meta.name };
      else if (isObject(meta.labels)) meta.labels[NAMESPACE_NAME_LABEL] = meta.name;
    }
    if (isObject(ns.status) && !ns.status.phase) ns.status.phase = 'Active';
  },
  validate,
  validateUpdate(ns: Namespace, old: Namespace): FieldError[] {
    return [...validate(ns), ...validateMetaUpdate(ns, old)];
  },
  selectableFields(ns: Namespace): Record<string, string> {
    return { ...metaSelectableFields(ns, false), 'status.phase': str(isObject(ns.status) ? ns.status.phase : undefined) };
  },
} satisfies KindStrategy<Namespace>;
