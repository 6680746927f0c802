/** Pod (core/v1). */
import { type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import type { Pod } from '../types/core.js';
import { isDns1123Subdomain, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { validatePodSpec } from './pod-spec.js';
import { applyPodOnlyDefaults, applyPodSpecDefaults } from './pod-spec-defaults.js';
import { validatePodSpecUpdate } from './pod-update.js';
import { computeQOSClass } from './qos.js';
import { metaSelectableFields, str, validateMetaUpdate } from './util.js';

const POD_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'] as const;

function validate(pod: Pod): FieldError[] {
  return [
    ...validateKnownFields(pod, POD_FIELDS, ''),
    ...validateObjectMeta(pod.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
    ...validatePodSpec(pod.spec, 'spec'),
  ];
}

export const podStrategy = {
  /** A new pod has not run yet: whatever status the client sent is replaced. */
  prepareForCreate(pod: Pod): void {
    pod.status = { phase: 'Pending', qosClass: computeQOSClass(pod.spec) };
  },
  applyDefaults(pod: Pod): void {
    applyPodSpecDefaults(pod.spec);
    applyPodOnlyDefaults(pod.spec);
  },
  validate,
  validateUpdate(pod: Pod, old: Pod): FieldError[] {
    return [...validate(pod), ...validateMetaUpdate(pod, old), ...validatePodSpecUpdate(pod.spec, old.spec)];
  },
  selectableFields(pod: Pod): Record<string, string> {
    const spec = isObject(pod.spec) ? pod.spec : ({} as Partial<Pod['spec']>);
    const status = isObject(pod.status) ? pod.status : {};
    return {
      ...metaSelectableFields(pod, true),
      'spec.nodeName': str(spec.nodeName),
      'spec.restartPolicy': str(spec.restartPolicy),
      'spec.schedulerName': str(spec.schedulerName),
      'spec.serviceAccountName': str(spec.serviceAccountName),
      'spec.hostNetwork': String(spec.hostNetwork === true),
      'status.phase': str(status.phase),
      'status.podIP': str(status.podIP),
      'status.nominatedNodeName': str(status.nominatedNodeName),
    };
  },
} satisfies KindStrategy<Pod>;
