/** IngressClass (networking.k8s.io/v1): names the controller that serves Ingresses of the class. */
import { invalid, required, type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import type { IngressClass } from '../types/networking.js';
import { isDns1123Subdomain, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { child, immutable, metaSelectableFields, optEnum, optObject, optString, validateMetaUpdate } from './util.js';

const CLASS_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'] as const;
const MAX_CONTROLLER_LENGTH = 250;
/** A domain-prefixed path such as `cairn.dev/ingress`, as kube requires for `spec.controller`. */
const CONTROLLER_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[^\s]+$/;

function validateParameters(value: unknown, errs: FieldError[]): void {
  const path = 'spec.parameters';
  const params = optObject(value, path, errs);
  if (!params) return;
  errs.push(...validateKnownFields(params, ['apiGroup', 'kind', 'name', 'scope', 'namespace'], path));
  optString(params.apiGroup, child(path, 'apiGroup'), errs);
  if (!optString(params.kind, child(path, 'kind'), errs)) errs.push(required(child(path, 'kind')));
  if (!optString(params.name, child(path, 'name'), errs)) errs.push(required(child(path, 'name')));
  const scope = optEnum(params.scope, child(path, 'scope'), ['Cluster', 'Namespace'], errs) ?? 'Cluster';
  const ns = optString(params.namespace, child(path, 'namespace'), errs);
  if (scope === 'Namespace' && !ns) errs.push(required(child(path, 'namespace'), 'Required value: `parameters.scope` is set to \'Namespace\''));
  if (scope === 'Cluster' && ns) errs.push(invalid(child(path, 'namespace'), ns, '`parameters.scope` is set to \'Cluster\''));
}

function validate(ic: IngressClass): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(ic, CLASS_FIELDS, ''),
    ...validateObjectMeta(ic.metadata, { namespaced: false, nameValidator: isDns1123Subdomain }),
  ];
  const spec = optObject(ic.spec, 'spec', errs);
  if (!spec) {
    errs.push(required('spec.controller'));
    return errs;
  }
  errs.push(...validateKnownFields(spec, ['controller', 'parameters'], 'spec'));
  const controller = optString(spec.controller, 'spec.controller', errs);
  if (!controller) errs.push(required('spec.controller'));
  else {
    if (controller.length > MAX_CONTROLLER_LENGTH) errs.push(invalid('spec.controller', controller, `must be no more than ${MAX_CONTROLLER_LENGTH} characters`));
    if (!CONTROLLER_RE.test(controller)) errs.push(invalid('spec.controller', controller, 'must be a domain-prefixed path (such as "acme.io/foo")'));
  }
  validateParameters(spec.parameters, errs);
  return errs;
}

export const ingressClassStrategy = {
  applyDefaults(ic: IngressClass): void {
    const params: unknown = ic.spec?.parameters;
    if (isObject(params) && !params.scope) params.scope = 'Cluster';
  },
  validate,
  validateUpdate(ic: IngressClass, old: IngressClass): FieldError[] {
    return [...validate(ic), ...validateMetaUpdate(ic, old), ...immutable(ic.spec?.controller, old.spec?.controller, 'spec.controller')];
  },
  selectableFields(ic: IngressClass): Record<string, string> {
    return metaSelectableFields(ic, false);
  },
} satisfies KindStrategy<IngressClass>;
