/** The three patch formats the PATCH verb accepts, named after their Kubernetes content types. */
export type PatchType = 'merge' | 'json' | 'strategic';

const byMediaType: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
};

/**
 * Maps a request Content-Type to its patch type, ignoring parameters such as `;charset=utf-8`.
 * Anything else, server-side apply (`application/apply-patch+yaml`) included, yields undefined
 * so the caller can answer 415.
 */
export function patchTypeFromContentType(contentType: string | undefined): PatchType | undefined {
  if (!contentType) return undefined;
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  return Object.hasOwn(byMediaType, mediaType) ? byMediaType[mediaType] : undefined;
}
