/** A PodDisruptionBudget's status arithmetic, as kube's disruption controller does it. Pure. */
import type { Condition, Pod } from '../../../api/types/core.js';
import type { IntOrPercent, PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../../api/types/policy.js';

export const CONDITION_DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const REASON_SUFFICIENT_PODS = 'SufficientPods';
export const REASON_INSUFFICIENT_PODS = 'InsufficientPods';
export const REASON_SYNC_FAILED = 'SyncFailed';

/** Evicted pods not seen deleted within this long count again (kube's DeletionTimeout). */
export const DISRUPTED_POD_TIMEOUT_MS = 2 * 60_000;

/** An int-or-percent of `total`, percentages rounded up (kube's GetScaledValueFromIntOrPercent(..., true)). */
export function scaledValue(value: IntOrPercent, total: number): number {
  if (typeof value === 'number') return value;
  return Math.ceil((Number(value.slice(0, -1)) * total) / 100);
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export interface BudgetInputs {
  /** The budget's pods (matching its selector, in its namespace). */
  pods: Pod[];
  /**
   * What the pods' controllers want in total (sum of their replicas), for percentages and maxUnavailable;
   * undefined when some pod has no scalable controller, which kube reports as an error and allows nothing.
   */
  expectedScale: number | undefined;
  now: number;
}

/**
 * kube's getExpectedPodCount + countHealthyPods + updatePdbStatus: desiredHealthy from minAvailable (an integer
 * needs no controller; a percentage is of the controllers' scale) or from scale - maxUnavailable; currentHealthy
 * counts Ready pods not being deleted and not recently evicted; disruptionsAllowed is the surplus, never negative.
 */
export function computeBudgetStatus(pdb: PodDisruptionBudget, inputs: BudgetInputs): PodDisruptionBudgetStatus {
  const { minAvailable, maxUnavailable } = pdb.spec;
  let expectedPods = 0;
  let desiredHealthy = 0;
  let allowed = true;
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    if (inputs.expectedScale === undefined) allowed = false;
    expectedPods = inputs.expectedScale ?? 0;
    desiredHealthy = Math.max(0, expectedPods - scaledValue(maxUnavailable, expectedPods));
  } else if (minAvailable !== undefined && minAvailable !== null) {
    if (typeof minAvailable === 'number') {
      expectedPods = inputs.pods.length;
      desiredHealthy = minAvailable;
    } else {
      if (inputs.expectedScale === undefined) allowed = false;
      expectedPods = inputs.expectedScale ?? 0;
      desiredHealthy = scaledValue(minAvailable, expectedPods);
    }
  }
  const disruptedPods = liveDisruptions(pdb.status?.disruptedPods, inputs.pods, inputs.now);
  const currentHealthy = inputs.pods.filter((p) => !p.metadata.deletionTimestamp && !disruptedPods[p.metadata.name!] && isPodReady(p)).length;
  const surplus = currentHealthy - desiredHealthy;
  const disruptionsAllowed = allowed && expectedPods > 0 && surplus > 0 ? surplus : 0;
  return {
    observedGeneration: pdb.metadata.generation,
    ...(Object.keys(disruptedPods).length ? { disruptedPods } : {}),
    disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods,
    conditions: [allowedCondition(pdb.status?.conditions, !allowed ? REASON_SYNC_FAILED : disruptionsAllowed > 0 ? REASON_SUFFICIENT_PODS : REASON_INSUFFICIENT_PODS, inputs.now)],
  };
}

/** The DisruptionAllowed condition, keeping its transition time while its status stays the same. */
function allowedCondition(previous: Condition[] | undefined, reason: string, now: number): Condition {
  const status = reason === REASON_SUFFICIENT_PODS ? 'True' : 'False';
  const old = previous?.find((c) => c.type === CONDITION_DISRUPTION_ALLOWED);
  const lastTransitionTime = old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  return { type: CONDITION_DISRUPTION_ALLOWED, status, reason, lastTransitionTime };
}

/** Eviction records still pending: the pod still exists, is not yet being deleted, and was evicted recently. */
function liveDisruptions(recorded: Record<string, string> | undefined, pods: Pod[], now: number): Record<string, string> {
  const live: Record<string, string> = {};
  for (const [name, at] of Object.entries(recorded ?? {})) {
    const pod = pods.find((p) => p.metadata.name === name);
    if (pod && !pod.metadata.deletionTimestamp && now - Date.parse(at) < DISRUPTED_POD_TIMEOUT_MS) live[name] = at;
  }
  return live;
}
