import { describe, expect, it } from '@jest/globals';
import type { Deployment } from '../../api/types/apps.js';
import { deploymentRolloutState } from './rollout-status.js';

const d = (generation: number, status: Deployment['status'], replicas = 3): Deployment => ({
  metadata: { name: 'web', generation },
  spec: { replicas, selector: {}, template: { spec: { containers: [] } } },
  status,
});

describe('rollout status messages (kubectl wording)', () => {
  it.each([
    [d(2, { observedGeneration: 1 }), 'Waiting for deployment spec update to be observed...', false],
    [d(1, { observedGeneration: 1, replicas: 4, updatedReplicas: 1 }), 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...', false],
    [d(1, { observedGeneration: 1, replicas: 4, updatedReplicas: 3 }), 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...', false],
    [d(1, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 1 }), 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...', false],
    [d(1, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), 'deployment "web" successfully rolled out', true],
  ])('%#', (deployment, message, done) => {
    expect(deploymentRolloutState(deployment)).toEqual({ message, done });
  });

  it('fails once the progress deadline is exceeded', () => {
    const stalled = d(1, { observedGeneration: 1, replicas: 4, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
    expect(deploymentRolloutState(stalled).error).toBe('deployment "web" exceeded its progress deadline');
  });
});
