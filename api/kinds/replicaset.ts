/** ReplicaSet (apps/v1). */
import type { FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import type { ReplicaSet } from '../types/apps.js';
import { isDns1123Subdomain, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { metaSelectableFields, str, validateMetaUpdate } from './util.js';
import { applyTemplateDefaults, specOf, validateReplicaFields, validateSelectorAndTemplate, validateSelectorUpdate } from './workload.js';

const REPLICASET_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'] as const;
const REPLICASET_SPEC_FIELDS = ['replicas', 'minReadySeconds', 'selector', 'template'] as const;

function validate(rs: ReplicaSet): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(rs, REPLICASET_FIELDS, ''),
    ...validateObjectMeta(rs.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
  ];
  const spec = specOf(rs, errs);
  errs.push(...validateKnownFields(spec, REPLICASET_SPEC_FIELDS, 'spec'));
  errs.push(...validateReplicaFields(spec), ...validateSelectorAndTemplate(spec, 'ReplicaSet'));
  return errs;
}

export const replicaSetStrategy = {
  /** Status is the controller's to write; generation starts at 1 so observedGeneration can catch up to it. */
  prepareForCreate(rs: ReplicaSet): void {
    rs.status = { replicas: 0 };
    if (isObject(rs.metadata)) rs.metadata.generation = 1;
  },
  applyDefaults(rs: ReplicaSet): void {
    if (isObject(rs.spec)) applyTemplateDefaults(rs.spec as unknown as Record<string, unknown>);
  },
  validate,
  validateUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
    return [...validate(rs), ...validateMetaUpdate(rs, old), ...validateSelectorUpdate(rs.spec, old.spec)];
  },
  selectableFields(rs: ReplicaSet): Record<string, string> {
    return { ...metaSelectableFields(rs, true), 'status.replicas': str(isObject(rs.status) ? rs.status.replicas : undefined) };
  },
} satisfies KindStrategy<ReplicaSet>;
