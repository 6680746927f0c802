import { describe, expect, it } from '@jest/globals';
import type { Node, Pod } from '../../../api/types/core.js';
import { collectionOrder, missingNodes, planCollection, Reasons, TAINT_OUT_OF_SERVICE, type PlanInput } from './plan.js';

const NOW = '2026-01-01T00:00:00Z';

function pod(name: string, opts: { node?: string; phase?: NonNullable<Pod['status']>['phase']; created?: string; terminating?: boolean; reason?: string } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, creationTimestamp: opts.created ?? NOW, ...(opts.terminating ? { deletionTimestamp: NOW } : {}) },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(opts.node ? { nodeName: opts.node } : {}) },
    status: { phase: opts.phase ?? 'Running', ...(opts.reason ? { reason: opts.reason } : {}) },
  };
}

function node(name: string, ready: 'True' | 'False' | 'Unknown', taintKeys: string[] = []): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    spec: { taints: taintKeys.map((key) => ({ key, effect: 'NoExecute' as const })) },
    status: { conditions: [{ type: 'Ready', status: ready }] },
  };
}

const plan = (input: Partial<PlanInput>) => planCollection({ pods: [], nodes: [], deletedNodes: new Set(), terminatedThreshold: 0, now: NOW, ...input });
const names = (input: Partial<PlanInput>) => plan(input).map((c) => `${c.pod.metadata.name}:${c.reason}`);

describe('pod GC plan', () => {
  it('deletes terminated pods above the threshold, oldest first, and leaves running pods alone', () => {
    const pods = [
      pod('new-failed', { node: 'n', phase: 'Failed', created: '2026-01-01T00:00:04Z' }),
      pod('old-failed', { node: 'n', phase: 'Failed', created: '2026-01-01T00:00:01Z' }),
      pod('mid-succeeded', { node: 'n', phase: 'Succeeded', created: '2026-01-01T00:00:02Z' }),
      pod('newest-failed', { node: 'n', phase: 'Failed', created: '2026-01-01T00:00:05Z' }),
      pod('oldest-running', { node: 'n', phase: 'Running', created: '2026-01-01T00:00:00Z' }),
    ];
    expect(names({ pods, nodes: [node('n', 'True')], terminatedThreshold: 2 })).toEqual([`old-failed:${Reasons.Terminated}`, `mid-succeeded:${Reasons.Terminated}`]);
    expect(names({ pods, nodes: [node('n', 'True')], terminatedThreshold: 4 })).toEqual([]);
    expect(names({ pods, nodes: [node('n', 'True')], terminatedThreshold: 0 })).toEqual([]); // 0: disabled
  });

  it('orders evicted pods first, then by creation time, then by name', () => {
    const evicted = pod('z-evicted', { phase: 'Failed', reason: 'Evicted', created: '2026-01-01T00:00:09Z' });
    const a = pod('a', { phase: 'Failed', created: '2026-01-01T00:00:01Z' });
    const b = pod('b', { phase: 'Failed', created: '2026-01-01T00:00:01Z' });
    expect([b, a, evicted].sort(collectionOrder).map((p) => p.metadata.name)).toEqual(['z-evicted', 'a', 'b']);
  });

  it('force-deletes terminating pods only on a NotReady node carrying the out-of-service taint', () => {
    const pods = [
      pod('on-oos', { node: 'oos', terminating: true }),
      pod('on-oos-not-terminating', { node: 'oos' }),
      pod('on-ready-oos', { node: 'ready-oos', terminating: true }),
      pod('on-notready', { node: 'notready', terminating: true }),
    ];
    const nodes = [node('oos', 'Unknown', [TAINT_OUT_OF_SERVICE]), node('ready-oos', 'True', [TAINT_OUT_OF_SERVICE]), node('notready', 'False', ['node.kubernetes.io/unreachable'])];
    expect(names({ pods, nodes })).toEqual([`on-oos:${Reasons.TerminatingOutOfService}`]);
  });

  it('collects pods of a node confirmed deleted, with a DisruptionTarget condition, but not of a node that came back', () => {
    const pods = [pod('orphan', { node: 'gone' }), pod('back', { node: 'returned' }), pod('unconfirmed', { node: 'missing' })];
    const out = plan({ pods, nodes: [node('returned', 'True')], deletedNodes: new Set(['gone', 'returned']) });
    expect(out.map((c) => c.pod.metadata.name)).toEqual(['orphan']);
    expect(out[0]).toMatchObject({
      reason: Reasons.Orphaned,
      condition: { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: NOW },
    });
  });

  it('collects unscheduled terminating pods, not unscheduled pending ones', () => {
    expect(names({ pods: [pod('pending', { phase: 'Pending' }), pod('deleting', { phase: 'Pending', terminating: true })] })).toEqual([`deleting:${Reasons.TerminatingUnscheduled}`]);
  });

  it('lists each pod once, under the first rule that matches', () => {
    const pods = [pod('both', { node: 'gone', phase: 'Failed', created: '2026-01-01T00:00:00Z' }), pod('kept', { node: 'n', phase: 'Failed', created: '2026-01-01T00:00:01Z' })];
    expect(names({ pods, nodes: [node('n', 'True')], deletedNodes: new Set(['gone']), terminatedThreshold: 1 })).toEqual([`both:${Reasons.Terminated}`]);
  });

  it('names the nodes bound pods point to that the cache lacks', () => {
    expect(missingNodes([pod('a', { node: 'x' }), pod('b', { node: 'n' }), pod('c')], [node('n', 'True')])).toEqual(new Set(['x']));
  });
});
