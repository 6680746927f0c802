/**
 * DefaultTolerationSeconds admission, as kube-apiserver's: every new pod that does not already say how long it
 * tolerates a not-ready or unreachable node gets a NoExecute toleration for it with tolerationSeconds, so the
 * node lifecycle controller's taints evict it after that time. kube's default is 300 s; Cairn's is 30 s, so
 * that a dead node's pods run elsewhere within a minute (4 s detection + 30 s + rescheduling and start).
 */
import type { Pod, Toleration } from '../../api/types/core.js';
import type { Admission } from './rest/resource-store.js';

export const DEFAULT_NOT_READY_TOLERATION_SECONDS = 30;
export const DEFAULT_UNREACHABLE_TOLERATION_SECONDS = 30;
const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

export interface DefaultTolerationSecondsOptions {
  notReadySeconds?: number;
  unreachableSeconds?: number;
}

/** A toleration that already covers NoExecute taints of `key` (an empty key or effect matches everything). */
function covers(t: Toleration, key: string): boolean {
  return (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute');
}

export function defaultTolerationSeconds(opts: DefaultTolerationSecondsOptions = {}): Admission {
  const defaults: [string, number][] = [
    [NOT_READY, opts.notReadySeconds ?? DEFAULT_NOT_READY_TOLERATION_SECONDS],
    [UNREACHABLE, opts.unreachableSeconds ?? DEFAULT_UNREACHABLE_TOLERATION_SECONDS],
  ];
  return async (resource, obj, operation) => {
    if (resource.kind !== 'Pod' || resource.group !== '' || operation !== 'create') return;
    const spec = (obj as Pod).spec;
    const tolerations = spec.tolerations ?? [];
    const added = defaults
      .filter(([key]) => !tolerations.some((t) => covers(t, key)))
      .map(([key, tolerationSeconds]): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds }));
    if (added.length) spec.tolerations = [...tolerations, ...added];
  };
}
