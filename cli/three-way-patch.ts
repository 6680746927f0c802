import { isObject } from '../api/meta.js';

/**
 * The JSON merge patch `kubectl apply` would send: fields the user removed from their manifest since the
 * last apply become null; fields whose desired value differs from the live object are set. Fields others
 * (controllers, defaults) own and the user never wrote are left alone.
 */
export function threeWayMergePatch(lastApplied: unknown, desired: unknown, live: unknown): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const last = isObject(lastApplied) ? lastApplied : {};
  const want = isObject(desired) ? desired : {};
  const have = isObject(live) ? live : {};
  for (const key of Object.keys(last)) {
    if (!(key in want) && key in have) patch[key] = null;
  }
  for (const [key, value] of Object.entries(want)) {
    const current = have[key];
    if (isObject(value) && isObject(current)) {
      const nested = threeWayMergePatch(last[key], value, current);
      if (Object.keys(nested).length) patch[key] = nested;
    } else if (JSON.stringify(value) !== JSON.stringify(current)) {
      patch[key] = value;
    }
  }
  return patch;
}
