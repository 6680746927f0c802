import { describe, expect, it } from '@jest/globals';
import type { Lease } from '../../../api/types/apps.js';
import type { Condition, Node, Taint } from '../../../api/types/core.js';
import {
  gracePeriodMs, lifecycleTaint, observeHeartbeat, unknownConditions, wantedTaintKey, withLifecycleTaint,
} from './node-health.js';

const node = (conditions: Condition[] = [], taints: Taint[] = []): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { taints }, status: { conditions } });
const lease = (renewTime: string, leaseDurationSeconds = 4): Lease => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1' }, spec: { renewTime, leaseDurationSeconds } });

describe('node heartbeats', () => {
  it('starts the clock at first sight and resets it only when the lease or the Ready heartbeat moves', () => {
    let p = observeHeartbeat(undefined, node(), lease('t1'), 100);
    expect(p.probedAt).toBe(100);
    p = observeHeartbeat(p, node(), lease('t1'), 5000);
    expect(p.probedAt).toBe(100);
    p = observeHeartbeat(p, node(), lease('t2'), 6000);
    expect(p.probedAt).toBe(6000);
    p = observeHeartbeat(p, node([{ type: 'Ready', status: 'True', lastHeartbeatTime: 'h1' }]), lease('t2'), 7000);
    expect(p.probedAt).toBe(7000);
  });

  it('waits the grace period, or the lease duration when longer', () => {
    expect(gracePeriodMs(4000, lease('t', 2))).toBe(4000);
    expect(gracePeriodMs(4000, lease('t', 160))).toBe(160_000);
    expect(gracePeriodMs(4000, undefined)).toBe(4000);
  });
});

describe('conditions of a silent node', () => {
  it('sets every agent condition Unknown with kube reasons, keeping others and heartbeats', () => {
    const out = unknownConditions([
      { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: 'h', lastTransitionTime: 'old' },
      { type: 'MemoryPressure', status: 'False' },
      { type: 'NetworkUnavailable', status: 'False' },
    ], 'now')!;
    expect(out.find((c) => c.type === 'Ready')).toEqual({ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: 'h', lastTransitionTime: 'now' });
    expect(out.find((c) => c.type === 'MemoryPressure')?.status).toBe('Unknown');
    expect(out.find((c) => c.type === 'DiskPressure')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
    expect(out.find((c) => c.type === 'NetworkUnavailable')?.status).toBe('False');
    expect(unknownConditions(out, 'later')).toBeUndefined();
  });
});

describe('lifecycle taints', () => {
  it('wants unreachable for Unknown, not-ready for False, none for True', () => {
    expect(wantedTaintKey('Unknown')).toBe('node.kubernetes.io/unreachable');
    expect(wantedTaintKey('False')).toBe('node.kubernetes.io/not-ready');
    expect(wantedTaintKey('True')).toBeUndefined();
  });

  it('sets, swaps and removes its own taint of one effect, leaving the others', () => {
    const admin: Taint = { key: 'dedicated', value: 'x', effect: 'NoExecute' };
    let taints = withLifecycleTaint([admin], 'NoExecute', 'node.kubernetes.io/unreachable', 'now');
    expect(taints).toEqual([admin, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 'now' }]);
    expect(lifecycleTaint(node([], taints), 'NoExecute')).toBe('node.kubernetes.io/unreachable');
    expect(lifecycleTaint(node([], taints), 'NoSchedule')).toBeUndefined();
    expect(withLifecycleTaint(taints, 'NoExecute', 'node.kubernetes.io/unreachable', 'later')).toEqual(taints);
    taints = withLifecycleTaint(taints, 'NoExecute', 'node.kubernetes.io/not-ready', 'later');
    expect(taints).toEqual([admin, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: 'later' }]);
    expect(withLifecycleTaint(taints, 'NoExecute', undefined, 'x')).toEqual([admin]);
  });
});
