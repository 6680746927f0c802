/** Test helpers: run an object through a strategy the way the registry does, and read errors by path. */
import type { FieldError } from '../../errors.js';
import type { ApiObject } from '../../meta.js';
import type { KindStrategy } from '../../strategy.js';

/** prepareForCreate, then applyDefaults, then validate: the create path. Returns the errors; `obj` is mutated. */
export function create<T extends ApiObject>(strategy: KindStrategy<T>, obj: T): FieldError[] {
  strategy.prepareForCreate?.(obj);
  strategy.applyDefaults(obj);
  return strategy.validate(obj);
}

/** applyDefaults then validateUpdate: the update path. */
export function update<T extends ApiObject>(strategy: KindStrategy<T>, obj: T, old: T): FieldError[] {
  strategy.applyDefaults(obj);
  return strategy.validateUpdate(obj, old);
}

export function paths(errs: FieldError[]): string[] {
  return errs.map((e) => e.path);
}

/** The first error at `path`, for asserting its message and type. */
export function errorAt(errs: FieldError[], path: string): FieldError | undefined {
  return errs.find((e) => e.path === path);
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}
