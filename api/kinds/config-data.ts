/** Data maps shared by ConfigMap and Secret: key syntax, base64 values, the 1 MiB cap. */
import { invalid, type FieldError } from '../errors.js';
import { key, optObject } from './util.js';

export const MAX_DATA_BYTES = 1024 * 1024;

/** Keys become file names in volumes, hence the narrow alphabet and no `..`. */
export function isConfigKey(value: string): string[] {
  const found: string[] = [];
  if (value.length > 253) found.push('must be no more than 253 characters');
  if (!/^[-._a-zA-Z0-9]+$/.test(value)) {
    found.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  }
  if (value === '.') found.push("must not be '.'");
  else if (value === '..') found.push("must not be '..'");
  else if (value.startsWith('..')) found.push("must not start with '..'");
  return found;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard, padded base64 as Go's encoding/json expects for []byte (line breaks tolerated like Go does). */
export function isBase64(value: string): boolean {
  return BASE64.test(value.replace(/[\r\n]/g, ''));
}

export function decodedLength(value: string): number {
  return Buffer.from(value.replace(/[\r\n]/g, ''), 'base64').length;
}

export interface DataMapCheck {
  /** Field name, e.g. `data` or `binaryData`. */
  field: string;
  /** Values are base64 (Secret data, ConfigMap binaryData) rather than UTF-8 text. */
  base64: boolean;
  /** Shown instead of the value in errors, so secret contents never appear in a message. */
  redact?: boolean;
}

/** Validate one map; returns its size in bytes (key + value) for the caller's total. */
export function validateDataMap(value: unknown, check: DataMapCheck, errs: FieldError[]): { keys: string[]; bytes: number } {
  const map = optObject(value, check.field, errs);
  if (!map) return { keys: [], bytes: 0 };
  let bytes = 0;
  for (const [k, v] of Object.entries(map)) {
    const path = key(check.field, k);
    for (const msg of isConfigKey(k)) errs.push(invalid(path, k, msg));
    if (typeof v !== 'string') {
      errs.push(invalid(path, check.redact ? '<value omitted>' : v, 'must be a string'));
      continue;
    }
    if (check.base64 && !isBase64(v)) {
      errs.push(invalid(path, check.redact ? '<value omitted>' : v, 'must be base64-encoded (e.g. "aGVsbG8=" for "hello")'));
      continue;
    }
    bytes += Buffer.byteLength(k) + (check.base64 ? decodedLength(v) : Buffer.byteLength(v));
  }
  return { keys: Object.keys(map), bytes };
}
