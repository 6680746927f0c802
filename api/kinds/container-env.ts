/** Container `env` and `envFrom`: variable names and exactly-one value sources. */
import { forbidden, invalid, notSupported, required, type FieldError } from '../errors.js';
import { isDns1123Subdomain, isEnvVarName, validateKnownFields } from '../validation/common.js';
import { ENV_FROM_FIELDS, ENV_VAR_FIELDS, ENV_VAR_SOURCE_FIELDS } from './pod-fields.js';
import { child, index, optArray, optBool, optObject, optString, problems, requiredName } from './util.js';
import { isConfigKey } from './config-data.js';
import { quantityToMilli } from '../quantity.js';

/** Pod fields a container can read through the downward API. */
const FIELD_REF_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels', 'metadata.annotations', 'spec.nodeName',
  'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
] as const;
const RESOURCE_REF_PATHS = [
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
] as const;

function validateKeySelector(value: unknown, path: string, errs: FieldError[]): void {
  const sel = optObject(value, path, errs);
  if (!sel) return;
  errs.push(...validateKnownFields(sel, ['name', 'key', 'optional'], path));
  errs.push(...requiredName(sel.name, child(path, 'name'), isDns1123Subdomain));
  errs.push(...requiredName(sel.key, child(path, 'key'), isConfigKey));
  optBool(sel.optional, child(path, 'optional'), errs);
}

function validateFieldRef(value: unknown, path: string, errs: FieldError[]): void {
  const ref = optObject(value, path, errs);
  if (!ref) return;
  errs.push(...validateKnownFields(ref, ['apiVersion', 'fieldPath'], path));
  optString(ref.apiVersion, child(path, 'apiVersion'), errs);
  const fp = optString(ref.fieldPath, child(path, 'fieldPath'), errs);
  if (!fp) {
    errs.push(required(child(path, 'fieldPath')));
    return;
  }
  // A single label or annotation may be selected by key: metadata.labels['app'].
  const subscripted = /^metadata\.(labels|annotations)\['[^']+'\]$/.test(fp);
  if (!subscripted && !(FIELD_REF_PATHS as readonly string[]).includes(fp)) {
    errs.push(notSupported(child(path, 'fieldPath'), fp, FIELD_REF_PATHS));
  }
}

function validateResourceFieldRef(value: unknown, path: string, errs: FieldError[]): void {
  const ref = optObject(value, path, errs);
  if (!ref) return;
  errs.push(...validateKnownFields(ref, ['containerName', 'resource', 'divisor'], path));
  optString(ref.containerName, child(path, 'containerName'), errs);
  const res = optString(ref.resource, child(path, 'resource'), errs);
  if (!res) errs.push(required(child(path, 'resource')));
  else if (!(RESOURCE_REF_PATHS as readonly string[]).includes(res) && !/^(limits|requests)\.hugepages-/.test(res)) {
    errs.push(notSupported(child(path, 'resource'), res, RESOURCE_REF_PATHS));
  }
  if (ref.divisor !== undefined && !positiveQuantity(ref.divisor)) {
    errs.push(invalid(child(path, 'divisor'), ref.divisor, 'must be a quantity greater than zero, such as 1, 1m or 1Mi'));
  }
}

function positiveQuantity(value: unknown): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  try {
    return quantityToMilli(value) > 0n;
  } catch {
    return false; // not a quantity at all
  }
}

function validateValueFrom(value: unknown, path: string, errs: FieldError[]): void {
  const src = optObject(value, path, errs);
  if (!src) return;
  errs.push(...validateKnownFields(src, ENV_VAR_SOURCE_FIELDS, path));
  const set = ENV_VAR_SOURCE_FIELDS.filter((f) => src[f] !== undefined && src[f] !== null);
  if (set.length === 0) errs.push(invalid(path, '', `must specify one of: ${ENV_VAR_SOURCE_FIELDS.slice(0, 4).map((f) => `\`${f}\``).join(', ')}`));
  if (set.length > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  if (src.fieldRef !== undefined) validateFieldRef(src.fieldRef, child(path, 'fieldRef'), errs);
  if (src.resourceFieldRef !== undefined) validateResourceFieldRef(src.resourceFieldRef, child(path, 'resourceFieldRef'), errs);
  if (src.configMapKeyRef !== undefined) validateKeySelector(src.configMapKeyRef, child(path, 'configMapKeyRef'), errs);
  if (src.secretKeyRef !== undefined) validateKeySelector(src.secretKeyRef, child(path, 'secretKeyRef'), errs);
  // Kubernetes' alpha EnvFiles feature: the node agent has no way to read it, so it would yield an empty value.
  if (src.fileKeyRef !== undefined) errs.push(forbidden(child(path, 'fileKeyRef'), 'fileKeyRef is not supported; use configMapKeyRef or secretKeyRef'));
}

export function validateEnv(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (optArray(value, path, errs) ?? []).forEach((e, i) => {
    const ep = index(path, i);
    const env = optObject(e, ep, errs);
    if (!env) return;
    errs.push(...validateKnownFields(env, ENV_VAR_FIELDS, ep));
    errs.push(...requiredName(env.name, child(ep, 'name'), isEnvVarName));
    const val = optString(env.value, child(ep, 'value'), errs);
    if (env.valueFrom !== undefined && env.valueFrom !== null) {
      if (val) errs.push(invalid(child(ep, 'valueFrom'), '', 'may not be specified when `value` is not empty'));
      validateValueFrom(env.valueFrom, child(ep, 'valueFrom'), errs);
    }
  });
  return errs;
}

export function validateEnvFrom(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (optArray(value, path, errs) ?? []).forEach((e, i) => {
    const ep = index(path, i);
    const src = optObject(e, ep, errs);
    if (!src) return;
    errs.push(...validateKnownFields(src, ENV_FROM_FIELDS, ep));
    const prefix = optString(src.prefix, child(ep, 'prefix'), errs);
    if (prefix) errs.push(...problems(child(ep, 'prefix'), prefix, isEnvVarName(prefix)));
    const refs = (['configMapRef', 'secretRef'] as const).filter((f) => src[f] !== undefined && src[f] !== null);
    if (refs.length === 0) errs.push(invalid(ep, '', 'must specify one of: `configMapRef` or `secretRef`'));
    if (refs.length > 1) errs.push(forbidden(child(ep, refs[1]), 'may not have more than one field specified at a time'));
    for (const f of refs) {
      const rp = child(ep, f);
      const ref = optObject(src[f], rp, errs);
      if (!ref) continue;
      errs.push(...validateKnownFields(ref, ['name', 'optional'], rp));
      errs.push(...requiredName(ref.name, child(rp, 'name'), isDns1123Subdomain));
      optBool(ref.optional, child(rp, 'optional'), errs);
    }
  });
  return errs;
}
