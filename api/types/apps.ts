/** apps/v1, coordination.k8s.io/v1 and scheduling.k8s.io/v1 kinds. */
import type { ObjectMeta, ApiObject } from '../meta.js';
import type { Condition, LabelSelector, PodTemplateSpec } from './core.js';

export interface ReplicaSetSpec { replicas?: number; minReadySeconds?: number; selector: LabelSelector; template: PodTemplateSpec }
export interface ReplicaSetStatus { replicas: number; fullyLabeledReplicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number; conditions?: Condition[] }
export interface ReplicaSet extends ApiObject { metadata: ObjectMeta; spec: ReplicaSetSpec; status?: ReplicaSetStatus }

export interface DeploymentStrategy {
  type?: 'RollingUpdate' | 'Recreate';
  rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
}
export interface DeploymentSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
}
export interface Deployment extends ApiObject { metadata: ObjectMeta; spec: DeploymentSpec; status?: DeploymentStatus }

export interface Scale extends ApiObject { metadata: ObjectMeta; spec: { replicas?: number }; status?: { replicas: number; selector?: string } }

export interface LeaseSpec { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number }
export interface Lease extends ApiObject { metadata: ObjectMeta; spec?: LeaseSpec }

export interface PriorityClass extends ApiObject {
  metadata: ObjectMeta;
  value: number;
  globalDefault?: boolean;
  description?: string;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
}
