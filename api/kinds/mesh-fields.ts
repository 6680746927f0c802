/** Field checks and the strategy shape shared by the mesh.cairn.dev kinds (TrafficRoute, DestinationPolicy, MeshAuthorization). */
import { DURATION_HINT, parseDuration } from '../duration.js';
import { duplicate, invalid, type FieldError } from '../errors.js';
import type { ApiObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import { isDns1123Label, isDns1123Subdomain, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { index, metaSelectableFields, optArray, optEnum, optInt, optObject, problems, requiredBecause, requiredSpec, validateMetaUpdate, type Fields } from './util.js';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;
const MESH_OBJECT_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'] as const;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A required reference to a Service in the object's namespace. */
export function requiredService(value: unknown, path: string, errs: FieldError[]): void {
  if (value === undefined || value === null || value === '') {
    errs.push(requiredBecause(path, 'name the Service in this namespace (e.g. "reviews")'));
    return;
  }
  if (typeof value !== 'string') errs.push(invalid(path, value, 'must be a Service name (a string)'));
  else errs.push(...problems(path, value, isDns1123Label(value).map((m) => `${m}; use the name of a Service in this namespace`)));
}

/** An optional Go-style duration string that must be greater than zero. */
export function optDuration(value: unknown, path: string, errs: FieldError[]): void {
  if (!isSet(value)) return;
  if (typeof value !== 'string') {
    errs.push(invalid(path, value, DURATION_HINT));
    return;
  }
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (err) {
    errs.push(invalid(path, value, (err as Error).message));
    return;
  }
  if (ms <= 0) errs.push(invalid(path, value, `must be greater than 0; ${DURATION_HINT}`));
}

/** A duration that must be present. */
export function requiredDuration(value: unknown, path: string, errs: FieldError[]): void {
  if (!isSet(value)) errs.push(requiredBecause(path, DURATION_HINT));
  else optDuration(value, path, errs);
}

export function optPercent(value: unknown, path: string, errs: FieldError[]): number | undefined {
  return optInt(value, path, errs, { min: 0, max: 100 });
}

export function requiredPercent(value: unknown, path: string, errs: FieldError[]): void {
  if (!isSet(value)) errs.push(requiredBecause(path, 'set a percentage of requests, 0-100'));
  else optPercent(value, path, errs);
}

/** An HTTP header name (an RFC 7230 token). */
export function validateHeaderName(value: unknown, path: string, errs: FieldError[]): void {
  if (typeof value !== 'string' || !HEADER_NAME.test(value)) {
    errs.push(invalid(path, value, 'must be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~ (e.g. "x-user-id")'));
  }
}

/** A list of each item at most once, each checked by `check`. */
export function optUniqueList(value: unknown, path: string, errs: FieldError[], check: (item: unknown, path: string) => void): void {
  const seen = new Set<unknown>();
  (optArray(value, path, errs) ?? []).forEach((item, i) => {
    const ip = index(path, i);
    if (seen.has(item)) errs.push(duplicate(ip, item));
    seen.add(item);
    check(item, ip);
  });
}

export function optMethods(value: unknown, path: string, errs: FieldError[]): void {
  optUniqueList(value, path, errs, (m, p) => optEnum(m, p, HTTP_METHODS, errs));
}

/** Which of `fields` are set on `obj`. */
export function setFields(obj: Fields, fields: readonly string[]): string[] {
  return fields.filter((f) => isSet(obj[f]));
}

/** `obj` must set exactly one of `fields`; reports at `path` otherwise. */
export function exactlyOne(obj: Fields, fields: readonly string[], path: string, errs: FieldError[]): string | undefined {
  const set = setFields(obj, fields);
  const choices = fields.map((f) => `\`${f}\``).join(', ');
  if (set.length === 0) errs.push(requiredBecause(path, `set exactly one of ${choices}`));
  else if (set.length > 1) errs.push(invalid(path, Object.fromEntries(set.map((f) => [f, obj[f]])), `set exactly one of ${choices}, not ${set.length}`));
  return set.length === 1 ? set[0] : undefined;
}

/** An optional object checked against its known fields; undefined when absent or malformed. */
export function optStruct(value: unknown, path: string, known: readonly string[], errs: FieldError[]): Fields | undefined {
  const obj = optObject(value, path, errs);
  if (obj) errs.push(...validateKnownFields(obj, known, path));
  return obj;
}

/** Everything about a mesh object but its spec: strict top-level fields, metadata, a spec to hand to `validateSpec`. */
function validateMeshObject(obj: ApiObject, specFields: readonly string[], validateSpec: (spec: Fields, errs: FieldError[]) => void): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(obj, MESH_OBJECT_FIELDS, ''),
    ...validateObjectMeta(obj.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
  ];
  const spec = requiredSpec(obj.spec, specFields, errs);
  if (spec) validateSpec(spec, errs);
  return errs;
}

/**
 * The strategy every mesh kind shares: namespaced, status owned by the mesh controller (cleared on create, kept by
 * main-resource updates through the status subresource), spec checked by `validateSpec` after `applyDefaults`.
 */
export function meshStrategy<T extends ApiObject>(
  specFields: readonly string[],
  validateSpec: (spec: Fields, errs: FieldError[]) => void,
  applyDefaults: (obj: T) => void = () => {},
): KindStrategy<T> {
  const validate = (obj: T): FieldError[] => validateMeshObject(obj, specFields, validateSpec);
  return {
    prepareForCreate(obj: T): void {
      delete obj.status;
    },
    applyDefaults,
    validate,
    validateUpdate: (obj: T, old: T): FieldError[] => [...validate(obj), ...validateMetaUpdate(obj, old)],
    selectableFields: (obj: T): Record<string, string> => metaSelectableFields(obj, true),
  };
}
