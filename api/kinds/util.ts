/** Small building blocks shared by the kind strategies: typed reads of untrusted JSON that report what is wrong. */
import { isObject, type ApiObject } from '../meta.js';
import { invalid, notSupported, required, type FieldError } from '../errors.js';
import { validateKnownFields } from '../validation/common.js';

export type Fields = Record<string, unknown>;

export const IS_NEGATIVE = 'must be greater than or equal to 0';
export const IMMUTABLE = 'field is immutable';

export function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

/** An optional object field: absent/null gives undefined; any other non-object is reported. */
export function optObject(value: unknown, path: string, errs: FieldError[]): Fields | undefined {
  if (value === undefined || value === null) return undefined;
  if (isObject(value)) return value;
  errs.push(invalid(path, value, 'must be an object'));
  return undefined;
}

/** An optional list field; non-lists are reported. */
/** The required `spec` as a record, its fields checked against `known`; undefined (after reporting it) when missing or malformed. */
export function requiredSpec(value: unknown, known: readonly string[], errs: FieldError[]): Fields | undefined {
  if (value === undefined || value === null) {
    errs.push(required('spec'));
    return undefined;
  }
  const spec = optObject(value, 'spec', errs);
  if (spec) errs.push(...validateKnownFields(spec, known, 'spec'));
  return spec;
}

export function optArray(value: unknown, path: string, errs: FieldError[]): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  errs.push(invalid(path, value, 'must be a list'));
  return undefined;
}

export function optString(value: unknown, path: string, errs: FieldError[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  errs.push(invalid(path, value, 'must be a string'));
  return undefined;
}

export function optBool(value: unknown, path: string, errs: FieldError[]): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  errs.push(invalid(path, value, 'must be a boolean (true or false)'));
  return undefined;
}

/** A list of strings (e.g. `command`); each non-string element is reported by index. */
export function optStringList(value: unknown, path: string, errs: FieldError[]): string[] | undefined {
  const list = optArray(value, path, errs);
  if (!list) return undefined;
  list.forEach((v, i) => { if (typeof v !== 'string') errs.push(invalid(index(path, i), v, 'must be a string')); });
  return list.filter((v): v is string => typeof v === 'string');
}

/** A map of string to string (e.g. `data`, `nodeSelector`). */
export function optStringMap(value: unknown, path: string, errs: FieldError[]): Record<string, string> | undefined {
  const obj = optObject(value, path, errs);
  if (!obj) return undefined;
  for (const [k, v] of Object.entries(obj)) if (typeof v !== 'string') errs.push(invalid(key(path, k), v, 'must be a string'));
  return obj as Record<string, string>;
}

export interface IntBounds { min?: number; max?: number }

/** An optional integer with Kubernetes' range wording ("must be greater than or equal to 0"). */
export function optInt(value: unknown, path: string, errs: FieldError[], bounds: IntBounds = {}): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    errs.push(invalid(path, value, 'must be an integer'));
    return undefined;
  }
  const { min, max } = bounds;
  if (min !== undefined && max !== undefined && (value < min || value > max)) {
    errs.push(invalid(path, value, `must be between ${min} and ${max}, inclusive`));
  } else if (min !== undefined && value < min) {
    errs.push(invalid(path, value, min === 0 ? IS_NEGATIVE : min === 1 ? 'must be greater than 0' : `must be greater than or equal to ${min}`));
  } else if (max !== undefined && value > max) {
    errs.push(invalid(path, value, `must be less than or equal to ${max}`));
  }
  return value;
}

/** An optional string that must be one of `allowed` ('' counts as unset only when `allowEmpty`). */
export function optEnum(value: unknown, path: string, allowed: readonly string[], errs: FieldError[], allowEmpty = false): string | undefined {
  if (value === undefined || value === null || (allowEmpty && value === '')) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    errs.push(notSupported(path, value, allowed));
    return undefined;
  }
  return value;
}

/** A Required error that also says why or what is expected (kubectl prints "Required value: <detail>"). */
export function requiredBecause(path: string, detail: string): FieldError {
  return required(path, `Required value: ${detail}`);
}

/** Turn a `string[]` of problems (from the common name checkers) into field errors on one path. */
export function problems(path: string, value: unknown, found: string[]): FieldError[] {
  return found.map((msg) => invalid(path, value, msg));
}

/** A required string checked by a name checker: Required when empty, Invalid per problem otherwise. */
export function requiredName(value: unknown, path: string, check: (v: string) => string[]): FieldError[] {
  if (value === undefined || value === null || value === '') return [required(path)];
  if (typeof value !== 'string') return [invalid(path, value, 'must be a string')];
  return problems(path, value, check(value));
}

/** An optional string checked by a name checker ('' counts as unset). */
export function optName(value: unknown, path: string, check: (v: string) => string[]): FieldError[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value !== 'string') return [invalid(path, value, 'must be a string')];
  return problems(path, value, check(value));
}

/** Field-selector values every kind has; cluster-scoped kinds omit `metadata.namespace`. */
export function metaSelectableFields(obj: ApiObject, namespaced: boolean): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': str(obj.metadata?.name) };
  if (namespaced) fields['metadata.namespace'] = str(obj.metadata?.namespace);
  return fields;
}

/** A value as a selectable string: missing or non-string becomes ''. */
export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/**
 * Equality the way Kubernetes' semantic DeepEqual sees API objects: absent, null, empty list and empty map are
 * all "unset", so a client that omits an empty field does not count as changing it.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isUnset(a) && isUnset(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => semanticEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

function isUnset(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObject(v) && Object.keys(v).length === 0;
}

/** `field is immutable` when the value changed (semantically). */
export function immutable(newValue: unknown, oldValue: unknown, path: string): FieldError[] {
  return semanticEqual(newValue, oldValue) ? [] : [invalid(path, newValue, IMMUTABLE)];
}

/** What every update checks on metadata: the object keeps its identity. */
export function validateMetaUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  return [
    ...immutable(obj.metadata?.name, old.metadata?.name, 'metadata.name'),
    ...immutable(obj.metadata?.namespace, old.metadata?.namespace, 'metadata.namespace'),
  ];
}
