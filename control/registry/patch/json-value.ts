/**
 * Helpers for plain JSON values. Reads and writes go through own properties only, so a patch key
 * such as `__proto__` (legal in a ConfigMap's data) stays data and never reaches a prototype.
 */
import { isObject } from '../../../api/meta.js';

export { isObject };
export type JsonMap = Record<string, unknown>;

export function getOwn(map: JsonMap, key: string): unknown {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

export function setOwn(map: JsonMap, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A deep copy, so patching never aliases or mutates the caller's objects. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
