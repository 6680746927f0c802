/** ConfigMap (core/v1). */
import { forbidden, invalid, tooLong, type FieldError } from '../errors.js';
import type { KindStrategy } from '../strategy.js';
import type { ConfigMap } from '../types/core.js';
import { isDns1123Subdomain, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { MAX_DATA_BYTES, validateDataMap } from './config-data.js';
import { key, metaSelectableFields, optBool, semanticEqual, validateMetaUpdate } from './util.js';

const CONFIGMAP_FIELDS = ['apiVersion', 'kind', 'metadata', 'data', 'binaryData', 'immutable'] as const;
export const IMMUTABLE_DATA = 'field is immutable when `immutable` is set';

function validate(cm: ConfigMap): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(cm, CONFIGMAP_FIELDS, ''),
    ...validateObjectMeta(cm.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
  ];
  const data = validateDataMap(cm.data, { field: 'data', base64: false }, errs);
  const binary = validateDataMap(cm.binaryData, { field: 'binaryData', base64: true }, errs);
  // Both maps become files in one directory, so a key may live in only one of them.
  const textKeys = new Set(data.keys);
  for (const k of binary.keys) if (textKeys.has(k)) errs.push(invalid(key('binaryData', k), k, `duplicate of key "${k}" present in data`));
  if (data.bytes + binary.bytes > MAX_DATA_BYTES) errs.push(tooLong('data', MAX_DATA_BYTES));
  optBool(cm.immutable, 'immutable', errs);
  return errs;
}

/** Once `immutable: true` is stored, the data and the flag itself are frozen (only deletion remains). */
export function validateImmutableData(obj: { data?: unknown; binaryData?: unknown; immutable?: unknown }, old: { data?: unknown; binaryData?: unknown; immutable?: unknown }): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_DATA));
  if (!semanticEqual(obj.data, old.data)) errs.push(forbidden('data', IMMUTABLE_DATA));
  if (!semanticEqual(obj.binaryData, old.binaryData)) errs.push(forbidden('binaryData', IMMUTABLE_DATA));
  return errs;
}

export const configMapStrategy = {
  applyDefaults(): void {
    // ConfigMaps have no defaulted fields.
  },
  validate,
  validateUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
    return [...validate(cm), ...validateMetaUpdate(cm, old), ...validateImmutableData(cm, old)];
  },
  selectableFields(cm: ConfigMap): Record<string, string> {
    return metaSelectableFields(cm, true);
  },
} satisfies KindStrategy<ConfigMap>;
