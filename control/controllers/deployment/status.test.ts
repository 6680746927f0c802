import { describe, expect, it } from '@jest/globals';
import type { Deployment } from '../../../api/types/apps.js';
import { Reasons } from './constants.js';
import { calculateStatus, pauseCondition, progressRecheckDelay, rolloutStatus, timestamp } from './status.js';
import { deployment, replicaSet } from './testing/fixtures.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const cond = (d: { status?: Deployment['status'] }, type: string) => d.status?.conditions?.find((c) => c.type === type);
const progressing = (reason: string, at: number, status: 'True' | 'False' | 'Unknown' = 'True') =>
  ({ type: 'Progressing', status, reason, message: '', lastUpdateTime: timestamp(at), lastTransitionTime: timestamp(at) });

describe('calculateStatus', () => {
  it('sums the ReplicaSets and sets Available against replicas - maxUnavailable', () => {
    const d = deployment(4, { maxSurge: 1, maxUnavailable: 1 });
    d.metadata.generation = 3;
    const oldRS = replicaSet('v1', 2, { available: 2, ready: 2 });
    const newRS = replicaSet('v2', 3, { available: 1, ready: 2 });
    const s = calculateStatus(d, [oldRS, newRS], newRS, T0);
    expect(s).toMatchObject({ observedGeneration: 3, replicas: 5, updatedReplicas: 3, readyReplicas: 4, availableReplicas: 3, unavailableReplicas: 2 });
    expect(cond({ status: s }, 'Available')).toMatchObject({ status: 'True', reason: Reasons.MinimumReplicasAvailable });
    const worse = calculateStatus(d, [replicaSet('v1', 4, { available: 2 })], undefined, T0);
    expect(cond({ status: worse }, 'Available')).toMatchObject({ status: 'False', reason: Reasons.MinimumReplicasUnavailable });
  });
});

describe('Progressing transitions', () => {
  it('goes ReplicaSetUpdated on progress, NewReplicaSetAvailable when complete, and stays there', () => {
    const d = deployment(2, { maxSurge: 1, maxUnavailable: 0 });
    d.status = { replicas: 2, updatedReplicas: 0, availableReplicas: 2, conditions: [progressing(Reasons.NewReplicaSetCreated, T0)] };
    const newRS = replicaSet('v2', 1, { available: 0 });
    const moving = rolloutStatus(d, [replicaSet('v1', 2), newRS], newRS, T0 + 5000);
    expect(cond({ status: moving }, 'Progressing')).toMatchObject({ status: 'True', reason: Reasons.ReplicaSetUpdated, message: 'ReplicaSet "v2" is progressing.', lastUpdateTime: timestamp(T0 + 5000), lastTransitionTime: timestamp(T0) });

    d.status = moving;
    const doneRS = replicaSet('v2', 2);
    const done = rolloutStatus(d, [replicaSet('v1', 0, { status: 0 }), doneRS], doneRS, T0 + 9000);
    expect(cond({ status: done }, 'Progressing')).toMatchObject({ status: 'True', reason: Reasons.NewReplicaSetAvailable, message: 'ReplicaSet "v2" has successfully progressed.' });
    d.status = done;
    expect(rolloutStatus(d, [doneRS], doneRS, T0 + 999_000)).toEqual(done);
  });

  it('times out to False/ProgressDeadlineExceeded when nothing moved for progressDeadlineSeconds', () => {
    const d = deployment(2, { maxSurge: 1, maxUnavailable: 0 });
    d.spec.progressDeadlineSeconds = 10;
    const newRS = replicaSet('v2', 1, { available: 0, ready: 0 });
    const all = [replicaSet('v1', 2), newRS];
    d.status = { ...calculateStatus(d, all, newRS, T0), conditions: [progressing(Reasons.ReplicaSetUpdated, T0)] };
    const before = rolloutStatus(d, all, newRS, T0 + 9000);
    expect(cond({ status: before }, 'Progressing')?.reason).toBe(Reasons.ReplicaSetUpdated);
    expect(progressRecheckDelay(d, before, T0 + 9000)).toBe(2000);
    const after = rolloutStatus(d, all, newRS, T0 + 11_000);
    expect(cond({ status: after }, 'Progressing')).toMatchObject({ status: 'False', reason: Reasons.ProgressDeadlineExceeded, message: 'ReplicaSet "v2" has timed out progressing.' });
    expect(progressRecheckDelay(d, after, T0 + 11_000)).toBeUndefined();
  });

  it('shows pause and resume as Progressing=Unknown, but keeps a timed-out condition', () => {
    const d = deployment(2);
    d.spec.paused = true;
    expect(pauseCondition(d, T0)).toMatchObject({ status: 'Unknown', reason: Reasons.DeploymentPaused });
    d.status = { conditions: [progressing(Reasons.DeploymentPaused, T0, 'Unknown')] };
    expect(pauseCondition(d, T0)).toBeUndefined();
    d.spec.paused = false;
    expect(pauseCondition(d, T0)).toMatchObject({ status: 'Unknown', reason: Reasons.DeploymentResumed });
    d.status = { conditions: [progressing(Reasons.ProgressDeadlineExceeded, T0, 'False')] };
    d.spec.paused = true;
    expect(pauseCondition(d, T0)).toBeUndefined();
  });
});
