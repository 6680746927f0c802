import { describe, expect, it } from '@jest/globals';
import { isScalingEvent, proportionalScale } from './proportional.js';
import { deployment, replicaSet } from './testing/fixtures.js';

const T = { older: '2026-01-01T00:00:00Z', old: '2026-01-02T00:00:00Z', new: '2026-01-03T00:00:00Z' };

describe('proportionalScale (kube TestScale)', () => {
  // Sizes as [name, replicas, created]; ReplicaSets were last sized for `from` replicas (max-replicas annotation).
  it.each([
    ['normal scaling: 10 -> 12', 10, 12, [['v2', 10, T.new]], { v2: 12 }],
    ['proportional: 5 -> 10', 5, 10, [['v2', 2, T.new], ['v1', 3, T.old]], { v2: 4, v1: 6 }],
    ['proportional: 5 -> 3', 5, 3, [['v2', 2, T.new], ['v1', 3, T.old]], { v2: 1, v1: 2 }],
    ['proportional: 9 -> 4', 9, 4, [['v2', 8, T.new], ['v1', 1, T.old]], { v2: 4, v1: 0 }],
    ['proportional: 7 -> 10', 7, 10, [['v3', 2, T.new], ['v2', 3, T.old], ['v1', 2, T.older]], { v3: 3, v2: 4, v1: 3 }],
    ['proportional: 13 -> 8', 13, 8, [['v3', 2, T.new], ['v2', 8, T.old], ['v1', 3, T.older]], { v3: 1, v2: 5, v1: 2 }],
    ['leftover to the newest: 3 -> 4', 3, 4, [['v3', 1, T.new], ['v2', 1, T.old], ['v1', 1, T.older]], { v3: 2, v2: 1, v1: 1 }],
    ['leftover from the oldest: 3 -> 2', 3, 2, [['v3', 1, T.new], ['v2', 1, T.old], ['v1', 1, T.older]], { v3: 1, v2: 1, v1: 0 }],
  ] as const)('%s', (_name, from, to, sets, expected) => {
    const d = deployment(to);
    const [newRS, ...oldRSs] = sets.map(([name, n, created]) => replicaSet(name, n, { created, desired: from, max: from, available: 0 }));
    const result = Object.fromEntries(Object.keys(expected).map((name) => {
      const step = proportionalScale(d, newRS, oldRSs).find((s) => s.rs.metadata.name === name);
      return [name, step?.replicas ?? [newRS!, ...oldRSs].find((r) => r.metadata.name === name)!.spec.replicas];
    }));
    expect(result).toEqual(expected);
  });

  it('scales old ReplicaSets to zero once the new one is saturated', () => {
    const d = deployment(3);
    const newRS = replicaSet('v2', 3, { desired: 3, available: 3, created: T.new });
    const steps = proportionalScale(d, newRS, [replicaSet('v1', 1, { created: T.old })]);
    expect(steps.map((s) => [s.rs.metadata.name, s.replicas])).toEqual([['v1', 0]]);
  });

  it('detects a scaling event from the desired-replicas annotation of active ReplicaSets only', () => {
    const d = deployment(5);
    expect(isScalingEvent(d, [replicaSet('v1', 3, { desired: 3 })])).toBe(true);
    expect(isScalingEvent(d, [replicaSet('v1', 5, { desired: 5 }), replicaSet('v0', 0, { desired: 2 })])).toBe(false);
    expect(isScalingEvent(d, [replicaSet('v1', 5)])).toBe(false);
  });
});
