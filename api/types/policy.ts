/** policy/v1: PodDisruptionBudget and Eviction. */
import type { ApiObject, ObjectMeta } from '../meta.js';
import type { Condition, LabelSelector } from './core.js';

export type IntOrPercent = number | string;

export interface PodDisruptionBudgetSpec {
  minAvailable?: IntOrPercent;
  maxUnavailable?: IntOrPercent;
  /** policy/v1: an empty selector matches every pod in the namespace, a missing one none. */
  selector?: LabelSelector;
  unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  /** Pods evicted but not yet seen deleted, with the time of eviction; the controller does not count them healthy. */
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export interface PodDisruptionBudget extends ApiObject {
  apiVersion: 'policy/v1';
  kind: 'PodDisruptionBudget';
  metadata: ObjectMeta;
  spec: PodDisruptionBudgetSpec;
  status?: PodDisruptionBudgetStatus;
}

export interface Eviction extends ApiObject {
  apiVersion: 'policy/v1';
  kind: 'Eviction';
  metadata: ObjectMeta;
  deleteOptions?: { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } };
}
