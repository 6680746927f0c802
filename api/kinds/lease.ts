/** Lease (coordination.k8s.io/v1): leader election and node heartbeats. */
import type { FieldError } from '../errors.js';
import type { KindStrategy } from '../strategy.js';
import type { Lease } from '../types/apps.js';
import { isDns1123Subdomain, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { metaSelectableFields, optInt, optObject, optString, validateMetaUpdate } from './util.js';

const LEASE_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'] as const;
const LEASE_SPEC_FIELDS = [
  'holderIdentity', 'leaseDurationSeconds', 'acquireTime', 'renewTime', 'leaseTransitions', 'strategy', 'preferredHolder',
] as const;

function validate(lease: Lease): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(lease, LEASE_FIELDS, ''),
    ...validateObjectMeta(lease.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
  ];
  const spec = optObject(lease.spec, 'spec', errs);
  if (!spec) return errs;
  errs.push(...validateKnownFields(spec, LEASE_SPEC_FIELDS, 'spec'));
  // A lease that expires at once could never be held.
  optInt(spec.leaseDurationSeconds, 'spec.leaseDurationSeconds', errs, { min: 1 });
  optInt(spec.leaseTransitions, 'spec.leaseTransitions', errs, { min: 0 });
  for (const f of ['holderIdentity', 'acquireTime', 'renewTime', 'strategy', 'preferredHolder'] as const) optString(spec[f], `spec.${f}`, errs);
  return errs;
}

export const leaseStrategy = {
  applyDefaults(): void {
    // Leases have no defaulted fields.
  },
  validate,
  validateUpdate(lease: Lease, old: Lease): FieldError[] {
    return [...validate(lease), ...validateMetaUpdate(lease, old)];
  },
  selectableFields(lease: Lease): Record<string, string> {
    return metaSelectableFields(lease, true);
  },
} satisfies KindStrategy<Lease>;
