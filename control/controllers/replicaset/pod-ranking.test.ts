import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../../api/types/core.js';
import { POD_DELETION_COST_ANNOTATION, podsToDelete } from './pod-ranking.js';

interface PodShape {
  node?: string;
  phase?: 'Pending' | 'Running' | 'Unknown';
  readySince?: string;
  restarts?: number;
  created?: string;
  cost?: string;
}

function pod(name: string, s: PodShape): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, creationTimestamp: s.created ?? '2024-01-01T00:00:00Z', ...(s.cost ? { annotations: { [POD_DELETION_COST_ANNOTATION]: s.cost } } : {}) },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(s.node ? { nodeName: s.node } : {}) },
    status: {
      phase: s.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: s.readySince ? 'True' : 'False', ...(s.readySince ? { lastTransitionTime: s.readySince } : {}) }],
      containerStatuses: [{ name: 'c', ready: !!s.readySince, restartCount: s.restarts ?? 0, image: 'i' }],
    },
  };
}

const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata.name!);
const READY = '2024-01-01T00:01:00Z';

describe('podsToDelete (kube ActivePodsWithRanks)', () => {
  it.each<[string, Pod, Pod]>([
    ['unassigned before assigned', pod('a', { phase: 'Pending' }), pod('b', { node: 'n1', phase: 'Pending' })],
    ['pending before unknown', pod('a', { node: 'n1', phase: 'Pending' }), pod('b', { node: 'n2', phase: 'Unknown' })],
    ['unknown before running', pod('a', { node: 'n1', phase: 'Unknown' }), pod('b', { node: 'n2', phase: 'Running' })],
    ['not ready before ready', pod('a', { node: 'n1' }), pod('b', { node: 'n2', readySince: READY })],
    ['lower deletion cost first', pod('a', { node: 'n1', readySince: READY, cost: '-5' }), pod('b', { node: 'n2', readySince: READY })],
    ['ready for less time before longer', pod('a', { node: 'n1', readySince: '2024-01-01T00:05:00Z' }), pod('b', { node: 'n2', readySince: READY })],
    ['more restarts first', pod('a', { node: 'n1', readySince: READY, restarts: 3 }), pod('b', { node: 'n2', readySince: READY, restarts: 1 })],
    ['newer before older', pod('a', { node: 'n1', readySince: READY, created: '2024-01-02T00:00:00Z' }), pod('b', { node: 'n2', readySince: READY })],
  ])('%s', (_what, first, second) => {
    expect(names(podsToDelete([second, first], 1))).toEqual(['a']);
    expect(names(podsToDelete([first, second], 1))).toEqual(['a']);
  });

  it('earlier rules win over later ones', () => {
    const runningNewWithRestarts = pod('keep', { node: 'n1', readySince: READY, restarts: 9, created: '2024-01-09T00:00:00Z' });
    const pendingOld = pod('pending', { node: 'n2', phase: 'Pending' });
    expect(names(podsToDelete([runningNewWithRestarts, pendingOld], 1))).toEqual(['pending']);
  });

  it('prefers pods doubled up on one node', () => {
    const pods = [pod('x1', { node: 'n1', readySince: READY }), pod('y1', { node: 'n2', readySince: READY }), pod('y2', { node: 'n2', readySince: READY })];
    expect(names(podsToDelete(pods, 2)).sort()).toEqual(['y1', 'y2']);
  });

  it('returns every pod when asked for as many or more', () => {
    expect(podsToDelete([pod('a', {})], 3)).toHaveLength(1);
  });
});
