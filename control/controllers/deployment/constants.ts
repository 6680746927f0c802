/** Label, annotation and condition names the deployment controller shares with kubectl (same strings as kube). */

/** Label on a ReplicaSet, its selector and its template: tells ReplicaSets of one Deployment apart. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** The rollout revision of a ReplicaSet (and, on the Deployment, of its current ReplicaSet). */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** Earlier revisions a ReplicaSet held before a rollback made it current again, comma-separated. */
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
/** The Deployment's replicas when the ReplicaSet was last scaled: a mismatch means the Deployment was scaled. */
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
/** replicas + maxSurge when the ReplicaSet was last scaled: the base of proportional scaling. */
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';

/** Deployment annotations that are not copied onto its ReplicaSets (nor back by `rollout undo`). */
export const NOT_COPIED_ANNOTATIONS: ReadonlySet<string> = new Set([
  LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION, ROLLBACK_TO_ANNOTATION,
]);

export const CONDITION_AVAILABLE = 'Available';
export const CONDITION_PROGRESSING = 'Progressing';
export const CONDITION_REPLICA_FAILURE = 'ReplicaFailure';

/** Condition reasons, as kube's deployment controller writes them (kubectl matches on some). */
export const Reasons = {
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  FailedRSCreate: 'ReplicaSetCreateError',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
} as const;

/** Event reasons. */
export const EVENT_SCALING = 'ScalingReplicaSet';
export const EVENT_FAILED_CREATE = 'ReplicaSetCreateError';

/** kube treats this progressDeadlineSeconds as "no deadline". */
export const NO_PROGRESS_DEADLINE = 2 ** 31 - 1;
