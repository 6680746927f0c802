/** Secret (core/v1). Values are base64 in `data`; `stringData` is a write-only convenience merged into it. */
import { invalid, required, tooLong, type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import type { Secret } from '../types/core.js';
import { isDns1123Subdomain, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { MAX_DATA_BYTES, validateDataMap } from './config-data.js';
import { validateImmutableData } from './configmap.js';
import { immutable, key, metaSelectableFields, optBool, optString, str, validateMetaUpdate, requiredBecause } from './util.js';

const SECRET_FIELDS = ['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type', 'immutable'] as const;
const REDACTED = '<secret contents redacted>';
export const SECRET_TYPE_OPAQUE = 'Opaque';

/** Keys each well-known type must carry, so consumers (kubelet, ingress, registries) find what they expect. */
const REQUIRED_KEYS: Record<string, readonly string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};
const JSON_KEYS: Record<string, string> = {
  'kubernetes.io/dockercfg': '.dockercfg',
  'kubernetes.io/dockerconfigjson': '.dockerconfigjson',
};

/**
 * Moves `stringData` into `data` as base64, overriding keys present in both (Kubernetes' conversion does this on
 * every write). Entries that are not strings stay in `stringData` for validation to report.
 */
export function mergeStringData(secret: Secret): void {
  if (!isObject(secret.stringData)) return;
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(secret.stringData)) {
    if (typeof v !== 'string') {
      rest[k] = v;
      continue;
    }
    if (!isObject(secret.data)) secret.data = {};
    secret.data[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  if (Object.keys(rest).length) secret.stringData = rest as Record<string, string>;
  else delete secret.stringData;
}

function dataValue(secret: Secret, k: string): string | undefined {
  const v = isObject(secret.data) ? secret.data[k] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function validateType(secret: Secret, type: string, errs: FieldError[]): void {
  for (const k of REQUIRED_KEYS[type] ?? []) if (dataValue(secret, k) === undefined) errs.push(required(key('data', k)));
  const jsonKey = JSON_KEYS[type];
  const raw = jsonKey ? dataValue(secret, jsonKey) : undefined;
  if (jsonKey && raw !== undefined) {
    try {
      JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
    } catch (e) {
      errs.push(invalid(key('data', jsonKey), REDACTED, (e as Error).message));
    }
  }
  if (type === 'kubernetes.io/basic-auth' && dataValue(secret, 'username') === undefined && dataValue(secret, 'password') === undefined) {
    errs.push(requiredBecause(key('data', 'username'), 'a basic-auth secret needs `username` or `password`'));
  }
  if (type === 'kubernetes.io/service-account-token') {
    const name = isObject(secret.metadata?.annotations) ? secret.metadata.annotations['kubernetes.io/service-account.name'] : undefined;
    if (!name) errs.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name')));
  }
}

function validate(secret: Secret): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(secret, SECRET_FIELDS, ''),
    ...validateObjectMeta(secret.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
  ];
  const data = validateDataMap(secret.data, { field: 'data', base64: true, redact: true }, errs);
  // Left over only when mergeStringData could not take an entry.
  if (secret.stringData !== undefined && secret.stringData !== null) {
    if (!isObject(secret.stringData)) errs.push(invalid('stringData', REDACTED, 'must be a map of string keys to string values'));
    else for (const k of Object.keys(secret.stringData)) errs.push(invalid(key('stringData', k), REDACTED, 'must be a string'));
  }
  if (data.bytes > MAX_DATA_BYTES) errs.push(tooLong('data', MAX_DATA_BYTES));
  const type = optString(secret.type, 'type', errs);
  if (type === '') errs.push(required('type'));
  if (type) validateType(secret, type, errs);
  optBool(secret.immutable, 'immutable', errs);
  return errs;
}

export const secretStrategy = {
  prepareForCreate(secret: Secret): void {
    mergeStringData(secret);
  },
  applyDefaults(secret: Secret): void {
    mergeStringData(secret);
    if (secret.type === undefined || secret.type === null) secret.type = SECRET_TYPE_OPAQUE;
  },
  validate,
  validateUpdate(secret: Secret, old: Secret): FieldError[] {
    return [
      ...validate(secret),
      ...validateMetaUpdate(secret, old),
      ...immutable(secret.type, old.type, 'type'),
      ...validateImmutableData(secret, old),
    ];
  },
  selectableFields(secret: Secret): Record<string, string> {
    return { ...metaSelectableFields(secret, true), type: str(secret.type) };
  },
} satisfies KindStrategy<Secret>;
