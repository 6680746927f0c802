import { describe, expect, it } from '@jest/globals';
import { maxSurge, maxUnavailable, newReplicaSetSize, oldReplicaSetSizes, resolveFenceposts } from './rolling.js';
import { deployment, replicaSet } from './testing/fixtures.js';

describe('resolveFenceposts (percent surge rounds up, unavailable rounds down)', () => {
  it.each([
    // maxSurge, maxUnavailable, desired, surge, unavailable
    ['0%', '0%', 0, 0, 1],
    ['39%', '39%', 10, 4, 3],
    [undefined, '39%', 10, 0, 3],
    ['39%', undefined, 10, 4, 0],
    [undefined, undefined, 10, 0, 1],
    ['25%', '25%', 5, 2, 1],
    ['25%', '25%', 1, 1, 0],
    [2, 0, 5, 2, 0],
    ['100%', '100%', 3, 3, 3],
  ] as const)('surge %p unavailable %p of %p → %p, %p', (surge, unavailable, desired, expectSurge, expectUnavailable) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual([expectSurge, expectUnavailable]);
  });

  it('caps maxUnavailable at replicas, and Recreate allows neither surge nor unavailability', () => {
    expect(maxUnavailable(deployment(2, { maxSurge: 0, maxUnavailable: 5 }))).toBe(2);
    expect(maxUnavailable(deployment(0, { maxSurge: 1, maxUnavailable: 1 }))).toBe(0);
    const recreate = deployment(4, {}, 'Recreate');
    expect([maxSurge(recreate), maxUnavailable(recreate)]).toEqual([0, 0]);
  });
});

describe('newReplicaSetSize (reconcileNewReplicaSet)', () => {
  it.each([
    // replicas, maxSurge, old, new, expected new size
    [10, 0, 10, 0, 0], // no room above replicas: wait for old pods to go
    [10, 2, 10, 0, 2],
    [10, 2, 5, 0, 7],
    [10, 2, 10, 2, 2],
    [10, 2, 0, 8, 10], // never above replicas
    [5, '25%', 5, 0, 2], // 25% of 5 surges 2 (rounded up)
  ] as const)('replicas %p surge %p old %p new %p → %p', (replicas, surge, old, cur, expected) => {
    const d = deployment(replicas, { maxSurge: surge, maxUnavailable: 0 });
    const newRS = replicaSet('new', cur);
    expect(newReplicaSetSize(d, [replicaSet('old', old), newRS], newRS)).toBe(expected);
  });

  it('Recreate sizes the new ReplicaSet to replicas at once', () => {
    const d = deployment(4, {}, 'Recreate');
    const newRS = replicaSet('new', 0);
    expect(newReplicaSetSize(d, [replicaSet('old', 4), newRS], newRS)).toBe(4);
  });
});

describe('oldReplicaSetSizes (reconcileOldReplicaSets)', () => {
  it.each([
    // replicas, maxUnavailable, old, new, old available, new available, expected old size (undefined: no scaling)
    [10, 0, 10, 0, 10, 0, 9], // surge 0 + unavailable 0 resolve to unavailable 1
    [10, 2, 10, 0, 10, 0, 8],
    [10, 2, 10, 0, 8, 0, 8], // the 2 unhealthy old pods go first
    [10, 2, 10, 0, 9, 0, 8], // 1 unhealthy, then 1 available
    [10, 2, 8, 2, 8, 0, undefined], // new pods not yet available block further scale-down
    [10, 2, 8, 2, 8, 2, 6],
    [5, 1, 5, 2, 5, 0, 4],
  ] as const)('replicas %p maxUnavailable %p old %p new %p (available %p/%p) → %p', (replicas, unavailable, old, cur, oldAvail, newAvail, expected) => {
    const d = deployment(replicas, { maxSurge: 0, maxUnavailable: unavailable });
    const oldRS = replicaSet('old', old, { available: oldAvail, created: '2026-01-01T00:00:00Z' });
    const newRS = replicaSet('new', cur, { available: newAvail, created: '2026-01-02T00:00:00Z' });
    expect(oldReplicaSetSizes(d, [oldRS, newRS], [oldRS], newRS).get('old')).toBe(expected);
  });

  it('scales the oldest ReplicaSet down first and never below zero', () => {
    const d = deployment(4, { maxSurge: 1, maxUnavailable: 2 });
    const v1 = replicaSet('v1', 1, { created: '2026-01-01T00:00:00Z' });
    const v2 = replicaSet('v2', 3, { created: '2026-01-02T00:00:00Z' });
    const v3 = replicaSet('v3', 1, { available: 0, created: '2026-01-03T00:00:00Z' });
    // available 4, minAvailable 2: two pods may go; v1 loses its one, v2 one.
    expect([...oldReplicaSetSizes(d, [v1, v2, v3], [v1, v2], v3)]).toEqual([['v1', 0], ['v2', 2]]);
  });
});
