import { ApiError, Reason, notFound } from '../../api/errors.js';
import type { Pod } from '../../api/types/core.js';
import type { PriorityClass } from '../../api/types/apps.js';
import type { Admission, ResourceStore } from './rest/resource-store.js';
import { parseEntry } from './cache/entry.js';

/**
 * NamespaceLifecycle: namespaced objects may only be created in a namespace that exists
 * and is not being deleted (a namespace created just before counts: a cache miss falls back to a consistent read).
 */
export function namespaceLifecycle(namespaces: () => ResourceStore): Admission {
  return async (resource, obj, operation) => {
    if (!resource.namespaced || operation !== 'create') return;
    const ns = obj.metadata.namespace!;
    let phase: string | undefined;
    try {
      // The watch cache first, as kube-apiserver's admission reads its informer; only a namespace the cache does
      // not know yet (created a moment ago) costs a consistent read.
      const entry = await namespaces().get(undefined, ns, '0').catch(() => namespaces().get(undefined, ns));
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

/** Admission steps run in order; the first to throw refuses the write. */
export function chain(...steps: Admission[]): Admission {
  return async (resource, obj, operation) => {
    for (const step of steps) await step(resource, obj, operation);
  };
}

function forbidden(message: string, name: string | undefined): ApiError {
  return new ApiError(403, Reason.Forbidden, `pods "${name ?? ''}" is forbidden: ${message}`, { kind: 'pods', name });
}

/**
 * Priority: a new pod's priorityClassName is resolved to `spec.priority` (and the class's preemptionPolicy),
 * so the scheduler orders and preempts by number; a pod naming no class gets the globalDefault class, if any.
 * Reads come from the watch cache: a class created a moment earlier may be missed, as in kube-apiserver.
 */
export function priorityAdmission(priorityClasses: () => ResourceStore): Admission {
  return async (resource, obj, operation) => {
    if (resource.kind !== 'Pod' || operation !== 'create') return;
    const spec = (obj as Pod).spec;
    let pc: PriorityClass | undefined;
    if (spec.priorityClassName) {
      try {
        pc = parseEntry(await priorityClasses().get(undefined, spec.priorityClassName, '0')) as PriorityClass;
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) throw forbidden(`no PriorityClass with name ${spec.priorityClassName} was found`, obj.metadata.name);
        throw err;
      }
    } else {
      const all = await priorityClasses().list({ filter: {}, resourceVersion: '0' });
      pc = all.entries.map((e) => parseEntry(e) as PriorityClass).find((c) => c.globalDefault);
      if (pc) spec.priorityClassName = pc.metadata.name;
    }
    if (!pc) return;
    // The defaulter sets priority 0 on class-less pods; any other explicit value that disagrees with the class is a user error.
    if (spec.priority !== undefined && spec.priority !== 0 && spec.priority !== pc.value) {
      throw forbidden(`the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${pc.value} from the given PriorityClass name`, obj.metadata.name);
    }
    spec.priority = pc.value;
    spec.preemptionPolicy ??= pc.preemptionPolicy ?? 'PreemptLowerPriority';
  };
}
