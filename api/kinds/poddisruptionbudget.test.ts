import { describe, expect, it } from '@jest/globals';
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from '../types/policy.js';
import { podDisruptionBudgetStrategy } from './poddisruptionbudget.js';
import { create, errorAt, paths } from './testing/helpers.js';

const pdb = (spec: unknown): PodDisruptionBudget =>
  ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: spec as PodDisruptionBudgetSpec });

describe('PodDisruptionBudget validation', () => {
  it.each([
    [{ minAvailable: 2, selector: { matchLabels: { app: 'web' } } }],
    [{ maxUnavailable: '25%', selector: {} }],
    [{ minAvailable: '100%' }],
    [{ maxUnavailable: 0, unhealthyPodEvictionPolicy: 'AlwaysAllow' }],
  ])('accepts %j and resets a client-sent status', (spec) => {
    const p = pdb(spec);
    p.status = { disruptionsAllowed: 9, currentHealthy: 9, desiredHealthy: 0, expectedPods: 9 };
    expect(create(podDisruptionBudgetStrategy, p)).toEqual([]);
    expect(p.status).toEqual({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  });

  it('refuses minAvailable with maxUnavailable', () => {
    const errs = create(podDisruptionBudgetStrategy, pdb({ minAvailable: 1, maxUnavailable: 1 }));
    expect(errorAt(errs, 'spec')?.message).toMatch(/minAvailable and maxUnavailable cannot be both set/);
  });

  it.each([
    [{ minAvailable: -1 }, 'spec.minAvailable'],
    [{ minAvailable: '120%' }, 'spec.minAvailable'],
    [{ maxUnavailable: 'half' }, 'spec.maxUnavailable'],
    [{ maxUnavailable: 1.5 }, 'spec.maxUnavailable'],
    [{ minAvailable: 1, selector: { matchLabels: { 'bad key!': 'x' } } }, 'spec.selector.matchLabels'],
    [{ minAvailable: 1, unhealthyPodEvictionPolicy: 'Sometimes' }, 'spec.unhealthyPodEvictionPolicy'],
    [{ minAvailable: 1, replicas: 3 }, 'spec.replicas'],
  ])('refuses %j at %s', (spec, path) => {
    expect(paths(create(podDisruptionBudgetStrategy, pdb(spec))).some((p) => p.startsWith(path))).toBe(true);
  });
});
