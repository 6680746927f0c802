/**
 * `POST /api/v1/namespaces/{ns}/pods/{name}/eviction` (policy/v1 Eviction), as kube-apiserver's EvictionREST:
 * the pod is deleted only if the one PodDisruptionBudget covering it (if any) allows a disruption, which is
 * spent by a compare-and-swap on the budget's status (disruptionsAllowed - 1, the pod recorded in
 * disruptedPods) before the delete; otherwise 429 TooManyRequests, which `kubectl drain` retries.
 */
import { ApiError, Reason, badRequest } from '../../../api/errors.js';
import { budgetSelects } from '../../../api/kinds/poddisruptionbudget.js';
import { isObject } from '../../../api/meta.js';
import type { Pod } from '../../../api/types/core.js';
import type { Eviction, PodDisruptionBudget } from '../../../api/types/policy.js';
import { parseEntry } from '../cache/entry.js';
import type { DeleteOptions, ResourceStore } from '../rest/resource-store.js';

export const MESSAGE_BUDGET_VIOLATED = "Cannot evict pod as it would violate the pod's disruption budget.";
const CAUSE_DISRUPTION_BUDGET = 'DisruptionBudget';

export interface EvictionDeps {
  pods: ResourceStore;
  pdbs: ResourceStore;
  now?: () => number;
}

function tooManyRequests(cause: string): ApiError {
  return new ApiError(429, Reason.TooManyRequests, MESSAGE_BUDGET_VIOLATED, {}, [{ reason: CAUSE_DISRUPTION_BUDGET, message: cause }]);
}

const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Pods whose eviction cannot hurt availability: finished, never started, or already going (kube's canIgnorePDB). */
function ignoresBudget(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

/** Evicts the pod or throws (404, 429, 500 for several budgets). */
export async function evictPod(deps: EvictionDeps, namespace: string, name: string, body: unknown, dryRun: boolean): Promise<void> {
  if (!isObject(body)) throw badRequest('the request body must be a policy/v1 Eviction');
  const eviction = body as Eviction;
  if (eviction.metadata?.name !== undefined && eviction.metadata.name !== name) {
    throw badRequest(`name in URL does not match name in Eviction object (${eviction.metadata.name} != ${name})`);
  }
  const deleteOptions: DeleteOptions = { ...(isObject(eviction.deleteOptions) ? eviction.deleteOptions : {}) };
  const pod = parseEntry(await deps.pods.get(namespace, name)) as Pod;
  // The pod the budget was charged for, not one re-created under its name in between.
  deleteOptions.preconditions = { ...deleteOptions.preconditions, uid: deleteOptions.preconditions?.uid ?? pod.metadata.uid };
  const remove = async (): Promise<void> => { await deps.pods.delete(namespace, name, deleteOptions, dryRun); };
  if (ignoresBudget(pod)) return remove();

  const listed = await deps.pdbs.list({ filter: { namespace } });
  const budgets = listed.entries.map((e) => parseEntry(e) as PodDisruptionBudget).filter((b) => budgetSelects(b, pod.metadata.labels));
  if (budgets.length > 1) {
    throw new ApiError(500, Reason.InternalError, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  }
  const budget = budgets[0];
  if (!budget) return remove();
  if (!isReady(pod)) {
    // An unready pod adds nothing to the budget: it may go if the budget is met anyway, or always if it says so.
    const st = budget.status;
    if (budget.spec.unhealthyPodEvictionPolicy === 'AlwaysAllow' || (st && st.currentHealthy >= st.desiredHealthy && st.desiredHealthy > 0)) return remove();
  }
  const spend = (current: PodDisruptionBudget): PodDisruptionBudget => {
    const status = current.status;
    if (!status || (status.observedGeneration ?? 0) < (current.metadata.generation ?? 0)) {
      throw tooManyRequests(`The disruption budget ${current.metadata.name} is still being processed by the server.`);
    }
    if (status.disruptionsAllowed <= 0) {
      throw tooManyRequests(`The disruption budget ${current.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`);
    }
    const at = new Date((deps.now ?? Date.now)()).toISOString().replace(/\.\d+Z$/, 'Z');
    return { ...current, status: { ...status, disruptionsAllowed: status.disruptionsAllowed - 1, disruptedPods: { ...status.disruptedPods, [name]: at } } };
  };
  if (dryRun) spend(parseEntry(await deps.pdbs.get(namespace, budget.metadata.name!)) as PodDisruptionBudget);
  else await deps.pdbs.mutate(namespace, budget.metadata.name!, (b) => spend(b as PodDisruptionBudget), 'status');
  return remove();
}
