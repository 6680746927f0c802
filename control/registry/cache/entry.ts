import type { ApiObject } from '../../../api/meta.js';
import type { KindStrategy } from '../../../api/strategy.js';

/**
 * One object as the watch cache holds it: encoded once as UTF-8 JSON (with its resourceVersion) so that
 * lists and watch fan-out write the same bytes to every client without re-encoding, plus what selectors need.
 */
export interface CacheEntry {
  key: string;
  namespace: string;
  name: string;
  revision: number;
  bytes: Buffer;
  labels: Record<string, string>;
  fields: Record<string, string>;
}

export function decodeStored(value: Buffer | string, revision: number): ApiObject {
  const obj = JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) as ApiObject;
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

export function entryFromObject(key: string, obj: ApiObject, revision: number, strategy: KindStrategy): CacheEntry {
  return {
    key,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    revision,
    bytes: ownBuffer(JSON.stringify(obj)),
    labels: obj.metadata.labels ?? {},
    fields: strategy.selectableFields(obj),
  };
}

export function entryFromStored(key: string, value: Buffer, revision: number, strategy: KindStrategy): CacheEntry {
  return entryFromObject(key, decodeStored(value, revision), revision, strategy);
}

export function parseEntry(entry: CacheEntry): ApiObject {
  return JSON.parse(entry.bytes.toString('utf8')) as ApiObject;
}

/** A buffer of its own, not a slice of Node's shared pool: a long-lived entry must not pin an 8 KiB slab. */
function ownBuffer(text: string): Buffer {
  const buf = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  buf.write(text);
  return buf;
}
