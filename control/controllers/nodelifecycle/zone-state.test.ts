import { describe, expect, it } from '@jest/globals';
import type { Node } from '../../../api/types/core.js';
import { allFullyDisrupted, computeZoneState, zoneEvictionRate, zoneOf } from './zone-state.js';

const opts = { evictionRate: 0.2, secondaryEvictionRate: 0.01, unhealthyZoneThreshold: 0.55, largeClusterThreshold: 50 };

describe('zone disruption states', () => {
  it.each([
    [10, 0, 'Normal'],
    [10, 2, 'Normal'],
    [1, 2, 'Normal'], // at most two unhealthy nodes never count as a partition
    [7, 3, 'Normal'], // 30% < 55%
    [2, 3, 'PartialDisruption'], // 60%
    [45, 55, 'PartialDisruption'],
    [0, 1, 'FullDisruption'],
    [0, 50, 'FullDisruption'],
    [0, 0, 'Normal'],
  ] as const)('%i ready, %i not ready: %s', (ready, notReady, state) => {
    expect(computeZoneState(ready, notReady, 0.55)).toBe(state);
  });

  it('taints at the normal rate in Normal and FullDisruption zones, slower in a large partial one, not at all in a small one', () => {
    expect(zoneEvictionRate('Normal', 10, opts)).toBe(0.2);
    expect(zoneEvictionRate('FullDisruption', 10, opts)).toBe(0.2);
    expect(zoneEvictionRate('PartialDisruption', 100, opts)).toBe(0.01);
    expect(zoneEvictionRate('PartialDisruption', 50, opts)).toBe(0);
  });

  it('halts only when every zone is fully disrupted', () => {
    expect(allFullyDisrupted(['FullDisruption', 'FullDisruption'])).toBe(true);
    expect(allFullyDisrupted(['FullDisruption', 'Normal'])).toBe(false);
    expect(allFullyDisrupted([])).toBe(false);
  });

  it('keys zones by region and zone labels; unlabelled nodes share one zone', () => {
    const node = (labels: Record<string, string>): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', labels } });
    expect(zoneOf(node({}))).toBe('');
    expect(zoneOf(node({ 'topology.kubernetes.io/zone': 'a' }))).not.toBe(zoneOf(node({ 'topology.kubernetes.io/zone': 'b' })));
    expect(zoneOf(node({ 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'a' })))
      .not.toBe(zoneOf(node({ 'topology.kubernetes.io/region': 's', 'topology.kubernetes.io/zone': 'a' })));
  });
});
