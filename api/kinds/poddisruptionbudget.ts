/** PodDisruptionBudget (policy/v1): how many of a set of pods voluntary disruptions (evictions) must leave running. */
import { invalid, type FieldError } from '../errors.js';
import type { KindStrategy } from '../strategy.js';
import { labelSelectorFromObject } from '../selectors.js';
import type { PodDisruptionBudget } from '../types/policy.js';
import { isDns1123Subdomain, validateKnownFields, validateLabelSelector, validateObjectMeta } from '../validation/common.js';
import { validateIntOrPercent } from './deployment.js';
import { metaSelectableFields, optEnum, optObject, validateMetaUpdate } from './util.js';

const PDB_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'] as const;
const PDB_SPEC_FIELDS = ['minAvailable', 'maxUnavailable', 'selector', 'unhealthyPodEvictionPolicy'] as const;
export const UNHEALTHY_POD_EVICTION_POLICIES = ['IfHealthyBudget', 'AlwaysAllow'] as const;

function validate(pdb: PodDisruptionBudget): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(pdb, PDB_FIELDS, ''),
    ...validateObjectMeta(pdb.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
  ];
  const spec = optObject(pdb.spec, 'spec', errs);
  if (!spec) return errs;
  errs.push(...validateKnownFields(spec, PDB_SPEC_FIELDS, 'spec'));
  const has = (v: unknown): boolean => v !== undefined && v !== null;
  // One budget, one way of saying it: kube rejects both, and either alone is enough.
  if (has(spec.minAvailable) && has(spec.maxUnavailable)) {
    errs.push(invalid('spec', { minAvailable: spec.minAvailable, maxUnavailable: spec.maxUnavailable }, 'minAvailable and maxUnavailable cannot be both set'));
  }
  validateIntOrPercent(spec.minAvailable, 'spec.minAvailable', true, errs);
  validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable', true, errs);
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  optEnum(spec.unhealthyPodEvictionPolicy, 'spec.unhealthyPodEvictionPolicy', UNHEALTHY_POD_EVICTION_POLICIES, errs);
  return errs;
}

export const podDisruptionBudgetStrategy = {
  /** Status is the disruption controller's (and the eviction subresource's) to write. */
  prepareForCreate(pdb: PodDisruptionBudget): void {
    pdb.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  applyDefaults(): void {
    // policy/v1 defaults nothing: with neither minAvailable nor maxUnavailable the budget allows no disruption.
  },
  validate,
  validateUpdate(pdb: PodDisruptionBudget, old: PodDisruptionBudget): FieldError[] {
    return [...validate(pdb), ...validateMetaUpdate(pdb, old)];
  },
  selectableFields(pdb: PodDisruptionBudget): Record<string, string> {
    return metaSelectableFields(pdb, true);
  },
} satisfies KindStrategy<PodDisruptionBudget>;

/** Whether `pdb` covers a pod with `labels` (same namespace assumed). policy/v1: no selector selects nothing, `{}` everything. */
export function budgetSelects(pdb: PodDisruptionBudget, labels: Record<string, string> | undefined): boolean {
  return pdb.spec?.selector ? labelSelectorFromObject(pdb.spec.selector).matches(labels) : false;
}
