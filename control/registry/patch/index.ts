/** The PATCH verb's three patch formats, applied to a stored object without mutating it. */
import type { PatchType } from './content-type.js';
import { applyJsonPatch } from './json-patch.js';
import { jsonMergePatch } from './merge-patch.js';
import { PatchError } from './patch-error.js';
import { strategicSchemaFor } from './patch-schema.js';
import { strategicMergePatch } from './strategic-merge-patch.js';

export { patchTypeFromContentType, type PatchType } from './content-type.js';
export { PatchError } from './patch-error.js';
export { supportsStrategicMerge } from './patch-schema.js';

/**
 * Returns the patched copy of `original`. Throws PatchError when the patch is malformed (a merge or
 * strategic patch that is not an object, a JSON patch that is not an array of operations) or does
 * not apply. Strategic patches on kinds without a schema get map merge and list replacement; the
 * caller should refuse them first with `supportsStrategicMerge`.
 */
export function applyPatch(kind: string, original: unknown, patch: unknown, type: PatchType): unknown {
  switch (type) {
    case 'merge':
      return jsonMergePatch(original, patch);
    case 'json':
      return applyJsonPatch(original, patch);
    case 'strategic':
      return strategicMergePatch(original, patch, strategicSchemaFor(kind));
    default:
      throw new PatchError(`unsupported patch type ${JSON.stringify(type)}`, 400);
  }
}
