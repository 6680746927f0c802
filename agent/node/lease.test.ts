import { describe, expect, it } from '@jest/globals';
import { microTime } from '../../api/meta.js';
import type { ApiClient } from '../../control/client/client.js';
import type { Lease } from '../../api/types/apps.js';
import { leaseDurationSeconds, newNodeLease, NodeLeases, renewedNodeLease } from './lease.js';

const now = new Date('2024-05-01T10:00:00.123Z');

describe('node lease', () => {
  it('writes MicroTime with six fractional digits', () => {
    expect(microTime(now)).toBe('2024-05-01T10:00:00.123000Z');
  });

  it('is named after the node in kube-node-lease, held by it for the given duration, owned by its Node', () => {
    expect(newNodeLease('n1', now, 4, { uid: 'u1' })).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'n1', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u1' }] },
      spec: { holderIdentity: 'n1', leaseDurationSeconds: 4, renewTime: '2024-05-01T10:00:00.123000Z' },
    });
    expect(newNodeLease('n1', now, 4).metadata.ownerReferences).toBeUndefined();
  });

  it('renewal moves renewTime and restores holder and duration, keeping the rest', () => {
    const lease = { ...newNodeLease('n1', new Date(0), 4), spec: { holderIdentity: 'someone', leaseDurationSeconds: 5, renewTime: 'x', leaseTransitions: 2 } };
    lease.metadata.resourceVersion = '42';
    const renewed = renewedNodeLease(lease, 'n1', now, 4);
    expect(renewed.metadata.resourceVersion).toBe('42');
    expect(renewed.spec).toEqual({ holderIdentity: 'n1', leaseDurationSeconds: 4, renewTime: '2024-05-01T10:00:00.123000Z', leaseTransitions: 2 });
  });

  it('holds for four renewal intervals in whole seconds, so the default 1 s renewal gives 4 s', () => {
    expect(leaseDurationSeconds(1000)).toBe(4);
    expect(leaseDurationSeconds(400)).toBe(2);
    expect(leaseDurationSeconds(40_000)).toBe(160);
    expect(leaseDurationSeconds(10)).toBe(1);
  });

  it('is held only while renewals succeed within the lease duration', async () => {
    let t = 0;
    let failing = false;
    const write = async (lease: Lease): Promise<Lease> => {
      if (failing) throw Object.assign(new Error('forbidden'), { status: 403 });
      return lease;
    };
    // Only the calls NodeLeases makes; the rest of ApiClient is not needed here.
    const client = { resource: () => ({ create: write, update: write }) } as unknown as ApiClient;
    const leases = new NodeLeases(client, { intervalMs: 20, now: () => new Date(t) });
    leases.add('n1');
    expect(leases.holds('n1')).toBe(false);
    leases.start();
    try {
      while (leases.stats.renewals === 0) await new Promise((r) => setTimeout(r, 10));
      expect(leases.holds('n1')).toBe(true);
      failing = true;
      await new Promise((r) => setTimeout(r, 60));
      t = 999;
      expect(leases.holds('n1')).toBe(true);
      t = 1000;
      expect(leases.holds('n1')).toBe(false);
    } finally {
      await leases.stop();
    }
  });
});
