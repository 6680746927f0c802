import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { podAction, type PodRecord } from './hollow-pods.js';

const pod = (status: Pod['status'] = { phase: 'Pending' }, deleting = false): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u', ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
  spec: { nodeName: 'hollow-a-00001', containers: [{ name: 'c' }] },
  status,
});
const record = (over: Partial<PodRecord> = {}): PodRecord => ({ uid: 'u', node: 'hollow-a-00001', seenAt: 1000, running: false, ...over });
const runningReady = { phase: 'Running' as const, conditions: [{ type: 'Ready', status: 'True' as const }] };

describe('podAction', () => {
  it('starts a newly bound pod at once without a delay', () => {
    expect(podAction(pod(), undefined, 1000, 0)).toEqual({ kind: 'start' });
  });

  it('waits out the start delay from when the pod was first seen', () => {
    expect(podAction(pod(), undefined, 1000, 500)).toEqual({ kind: 'wait', ms: 500 });
    expect(podAction(pod(), record(), 1300, 500)).toEqual({ kind: 'wait', ms: 200 });
    expect(podAction(pod(), record(), 1500, 500)).toEqual({ kind: 'start' });
  });

  it('does nothing more for a pod it has reported running', () => {
    expect(podAction(pod(runningReady), record({ running: true }), 5000, 0)).toEqual({ kind: 'none' });
  });

  it('adopts a pod already Running and Ready from an earlier run', () => {
    expect(podAction(pod(runningReady), undefined, 5000, 0)).toEqual({ kind: 'adopt' });
  });

  it('confirms deletion of a pod being deleted, whatever its phase', () => {
    expect(podAction(pod({ phase: 'Pending' }, true), undefined, 0, 0)).toEqual({ kind: 'confirm-delete' });
    expect(podAction(pod(runningReady, true), record({ running: true }), 0, 0)).toEqual({ kind: 'confirm-delete' });
  });

  it('leaves finished pods alone', () => {
    expect(podAction(pod({ phase: 'Succeeded' }), record({ running: true }), 0, 0)).toEqual({ kind: 'finished' });
    expect(podAction(pod({ phase: 'Failed' }), undefined, 0, 0)).toEqual({ kind: 'finished' });
  });
});
