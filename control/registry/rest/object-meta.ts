import { randomUUID, randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ApiObject } from '../../../api/meta.js';

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` + 5 random characters, from the alphabet Kubernetes uses (no vowels, no look-alikes). */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_SUFFIX_ALPHABET[randomInt(NAME_SUFFIX_ALPHABET.length)];
  return prefix.slice(0, 63 - 5) + suffix;
}

/** RFC 3339 with second precision, as Kubernetes stamps metadata. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** System-owned metadata of a new object. */
export function stampNew(obj: ApiObject): void {
  const meta = obj.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp();
  meta.generation = 1;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
}

/** Everything but metadata and status: what `generation` counts changes of. */
export function specOf(obj: ApiObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/** Metadata a client may not change on update, carried over from the stored object. */
export function keepSystemMeta(next: ApiObject, old: ApiObject): void {
  const m = next.metadata;
  const o = old.metadata;
  m.name = o.name;
  m.namespace = o.namespace;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  m.generation = o.generation;
  if (o.deletionTimestamp) {
    m.deletionTimestamp = o.deletionTimestamp;
    m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  } else {
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
  }
  if (m.generateName === undefined && o.generateName !== undefined) m.generateName = o.generateName;
}

/** Equal as stored JSON: key order and undefined-valued keys do not count, so no-op writes are recognised. */
export function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}
