import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../../api/types/core.js';
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from '../../../api/types/policy.js';
import { computeBudgetStatus, scaledValue } from './budget.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const pod = (name: string, ready = true, deleting = false): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, labels: { app: 'web' }, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const pdb = (spec: PodDisruptionBudgetSpec, disruptedPods?: Record<string, string>): PodDisruptionBudget => ({
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b', namespace: 'default', generation: 3 },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...(disruptedPods ? { disruptedPods } : {}) },
});
const three = [pod('a'), pod('b'), pod('c')];
const status = (spec: PodDisruptionBudgetSpec, pods: Pod[], expectedScale: number | 'unknown' = pods.length, disrupted?: Record<string, string>) =>
  computeBudgetStatus(pdb(spec, disrupted), { pods, expectedScale: expectedScale === 'unknown' ? undefined : expectedScale, now: NOW });

describe('PodDisruptionBudget arithmetic', () => {
  it('rounds percentages up', () => {
    expect(scaledValue('50%', 3)).toBe(2);
    expect(scaledValue('25%', 10)).toBe(3);
    expect(scaledValue(4, 10)).toBe(4);
  });

  it('minAvailable as an integer: expected = pods selected, allowed = healthy - min', () => {
    expect(status({ minAvailable: 2 }, three)).toMatchObject({ expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1, observedGeneration: 3 });
    expect(status({ minAvailable: 3 }, three)).toMatchObject({ disruptionsAllowed: 0, conditions: [expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' })] });
    expect(status({ minAvailable: 2 }, three).conditions).toEqual([expect.objectContaining({ status: 'True', reason: 'SufficientPods' })]);
  });

  it('minAvailable as a percentage and maxUnavailable count against the controllers\' scale', () => {
    expect(status({ minAvailable: '50%' }, three, 4)).toMatchObject({ expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect(status({ maxUnavailable: 1 }, three, 3)).toMatchObject({ expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect(status({ maxUnavailable: '100%' }, three, 3)).toMatchObject({ desiredHealthy: 0, disruptionsAllowed: 3 });
    expect(status({ maxUnavailable: 5 }, three, 3)).toMatchObject({ desiredHealthy: 0 });
  });

  it('allows nothing when a controller is unknown, or nothing is expected', () => {
    expect(status({ maxUnavailable: 1 }, three, 'unknown')).toMatchObject({ disruptionsAllowed: 0, conditions: [expect.objectContaining({ reason: 'SyncFailed' })] });
    expect(status({ maxUnavailable: 1 }, three, 0)).toMatchObject({ disruptionsAllowed: 0 });
    expect(status({ minAvailable: 0 }, [])).toMatchObject({ disruptionsAllowed: 0 });
    expect(status({}, three)).toMatchObject({ disruptionsAllowed: 0, expectedPods: 0 });
  });

  it('counts as healthy only Ready pods not being deleted and not just evicted', () => {
    const pods = [pod('a'), pod('b', false), pod('c', true, true), pod('d')];
    expect(status({ minAvailable: 1 }, pods, 4, { d: '2026-01-01T00:09:30Z' })).toMatchObject({ currentHealthy: 1, disruptionsAllowed: 0, disruptedPods: { d: '2026-01-01T00:09:30Z' } });
  });

  it('forgets evictions whose pod is gone, being deleted, or older than two minutes', () => {
    const out = status({ minAvailable: 1 }, [pod('a'), pod('c', true, true), pod('d')], 3, {
      gone: '2026-01-01T00:09:59Z', c: '2026-01-01T00:09:59Z', d: '2026-01-01T00:07:00Z',
    });
    expect(out.disruptedPods).toBeUndefined();
    expect(out.currentHealthy).toBe(2);
  });
});
