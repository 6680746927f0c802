/** What `rollout status` says about a Deployment: kubectl's DeploymentStatusViewer, word for word. */
import type { Deployment } from '../../api/types/apps.js';
import { CONDITION_PROGRESSING, Reasons } from '../../control/controllers/deployment/constants.js';

export interface RolloutState {
  message: string;
  done: boolean;
  /** Set when the rollout failed (its progress deadline passed): the command exits non-zero with it. */
  error?: string;
}

export function deploymentRolloutState(d: Deployment): RolloutState {
  const name = d.metadata.name;
  const st = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) {
    return { message: 'Waiting for deployment spec update to be observed...', done: false };
  }
  const progressing = st.conditions?.find((c) => c.type === CONDITION_PROGRESSING);
  if (progressing?.reason === Reasons.ProgressDeadlineExceeded) {
    return { message: '', done: false, error: `deployment "${name}" exceeded its progress deadline` };
  }
  const replicas = d.spec.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  const total = st.replicas ?? 0;
  const available = st.availableReplicas ?? 0;
  const waiting = `Waiting for deployment "${name}" rollout to finish:`;
  if (updated < replicas) return { message: `${waiting} ${updated} out of ${replicas} new replicas have been updated...`, done: false };
  if (total > updated) return { message: `${waiting} ${total - updated} old replicas are pending termination...`, done: false };
  if (available < updated) return { message: `${waiting} ${available} of ${updated} updated replicas are available...`, done: false };
  return { message: `deployment "${name}" successfully rolled out`, done: true };
}
