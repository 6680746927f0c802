import { ApiError, Reason, notFound } from '../../api/errors.js';
import type { Admission, ResourceStore } from './rest/resource-store.js';
import { parseEntry } from './cache/entry.js';

/**
 * NamespaceLifecycle: namespaced objects may only be created in a namespace that exists
 * and is not being deleted (reads are consistent, so a namespace created just before counts).
 */
export function namespaceLifecycle(namespaces: () => ResourceStore): Admission {
  return async (resource, obj, operation) => {
    if (!resource.namespaced || operation !== 'create') return;
    const ns = obj.metadata.namespace!;
    let phase: string | undefined;
    try {
      const entry = await namespaces().get(undefined, ns);
      phase = (parseEntry(entry) as { status?: { phase?: string } }).status?.phase;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) throw notFound('namespaces', ns);
      throw err;
    }
    if (phase === 'Terminating') {
      throw new ApiError(403, Reason.Forbidden,
        `${resource.plural} "${obj.metadata.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        { kind: resource.plural, name: obj.metadata.name });
    }
  };
}
