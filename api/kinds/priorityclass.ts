/** PriorityClass (scheduling.k8s.io/v1): named pod priorities. */
import { forbidden, invalid, type FieldError } from '../errors.js';
import type { KindStrategy } from '../strategy.js';
import type { PriorityClass } from '../types/apps.js';
import { isDns1123Subdomain, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { immutable, metaSelectableFields, optBool, optEnum, optInt, optString, validateMetaUpdate, requiredBecause } from './util.js';
import { PREEMPTION_POLICIES } from './pod-spec.js';

const PRIORITY_CLASS_FIELDS = ['apiVersion', 'kind', 'metadata', 'value', 'globalDefault', 'description', 'preemptionPolicy'] as const;
/** Values above this are reserved for the built-in system classes, so no user workload can outrank them. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';
/** The only classes allowed the `system-` prefix, with their fixed values. */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
};
const MIN_INT32 = -2147483648;

function validate(pc: PriorityClass): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(pc, PRIORITY_CLASS_FIELDS, ''),
    ...validateObjectMeta(pc.metadata, { namespaced: false, nameValidator: isDns1123Subdomain }),
  ];
  const name = typeof pc.metadata?.name === 'string' ? pc.metadata.name : '';
  const raw: unknown = pc.value;
  if (raw === undefined || raw === null) errs.push(requiredBecause('value', 'an integer priority such as 1000 is required'));
  const value = optInt(raw, 'value', errs, { min: MIN_INT32 });
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const expected = SYSTEM_PRIORITY_CLASSES[name];
    if (expected === undefined) errs.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use (${Object.keys(SYSTEM_PRIORITY_CLASSES).join(', ')})`));
    else if (value !== undefined && value !== expected) errs.push(invalid('value', value, `must be ${expected} for system priority class ${name}`));
  } else if (value !== undefined && value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  optBool(pc.globalDefault, 'globalDefault', errs);
  optString(pc.description, 'description', errs);
  optEnum(pc.preemptionPolicy, 'preemptionPolicy', PREEMPTION_POLICIES, errs);
  return errs;
}

export const priorityClassStrategy = {
  applyDefaults(pc: PriorityClass): void {
    if (pc.preemptionPolicy === undefined || pc.preemptionPolicy === null) pc.preemptionPolicy = 'PreemptLowerPriority';
  },
  validate,
  /** Pods copy the value when they are created, so changing it would silently split old and new pods. */
  validateUpdate(pc: PriorityClass, old: PriorityClass): FieldError[] {
    return [
      ...validate(pc),
      ...validateMetaUpdate(pc, old),
      ...immutable(pc.value, old.value, 'value'),
      ...immutable(pc.preemptionPolicy, old.preemptionPolicy, 'preemptionPolicy'),
    ];
  },
  selectableFields(pc: PriorityClass): Record<string, string> {
    return metaSelectableFields(pc, false);
  },
} satisfies KindStrategy<PriorityClass>;
