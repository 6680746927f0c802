import { describe, expect, it } from '@jest/globals';
import type { ReplicaSet } from '../../../api/types/apps.js';
import type { Pod } from '../../../api/types/core.js';
import { computeStatus, REASON_FAILED_CREATE, REPLICA_FAILURE } from './replica-status.js';

const NOW = Date.parse('2024-01-01T00:10:00Z');

function rs(minReadySeconds = 0, conditions?: ReplicaSet['status']): ReplicaSet {
  return {
    metadata: { name: 'web', namespace: 'ns', generation: 4 },
    spec: { replicas: 3, minReadySeconds, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [] } } },
    ...(conditions ? { status: conditions } : {}),
  };
}

function pod(labels: Record<string, string>, readySince?: string): Pod {
  return {
    metadata: { labels },
    spec: { containers: [] },
    status: { conditions: [{ type: 'Ready', status: readySince ? 'True' : 'False', ...(readySince ? { lastTransitionTime: readySince } : {}) }] },
  };
}

const full = { app: 'web', tier: 'front' };

describe('computeStatus', () => {
  it('counts replicas, fully labelled, ready and available pods and observes the generation', () => {
    const pods = [pod(full, '2024-01-01T00:00:00Z'), pod({ app: 'web' }, '2024-01-01T00:00:00Z'), pod(full)];
    expect(computeStatus(rs(), pods, NOW)).toEqual({
      status: { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 4 },
    });
  });

  it('counts a ready pod as available only after minReadySeconds, and says when to look again', () => {
    const pods = [pod(full, '2024-01-01T00:00:00Z'), pod(full, '2024-01-01T00:09:50Z'), pod(full, '2024-01-01T00:09:55Z')];
    const { status, recheckInMs } = computeStatus(rs(30), pods, NOW);
    expect(status).toMatchObject({ readyReplicas: 3, availableReplicas: 1 });
    expect(recheckInMs).toBe(20_000);
  });

  it('reports a failed create as ReplicaFailure, and drops it once a sync succeeds', () => {
    const failed = computeStatus(rs(), [], NOW, { reason: REASON_FAILED_CREATE, message: 'quota exceeded' }).status;
    expect(failed.conditions).toEqual([{ type: REPLICA_FAILURE, status: 'True', reason: 'FailedCreate', message: 'quota exceeded', lastTransitionTime: '2024-01-01T00:10:00Z' }]);
    expect(computeStatus(rs(0, failed), [], NOW).status.conditions).toBeUndefined();
  });
});
