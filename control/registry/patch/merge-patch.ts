/** RFC 7386 JSON merge patch (application/merge-patch+json). */
import { PatchError } from './patch-error.js';
import { cloneJson, getOwn, isObject, setOwn, type JsonMap } from './json-value.js';

export function jsonMergePatch(original: unknown, patch: unknown): unknown {
  // RFC 7386 would let a non-object replace the whole document; the API server refuses that.
  if (!isObject(patch)) throw new PatchError('a JSON merge patch must be a JSON object', 400);
  return mergeInto(cloneJson(original), cloneJson(patch));
}

/** Works in place on private copies: objects merge key by key, null deletes, anything else replaces. */
function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: JsonMap = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, mergeInto(getOwn(result, key), value));
  }
  return result;
}
