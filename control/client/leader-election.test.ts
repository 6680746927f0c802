import { afterEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaderElector, type LeaderElectionConfig } from './leader-election.js';
import { FakeLeaseStore } from './testing/fake-lease-store.js';

const LEASE_SECONDS = 1;
const electors: LeaderElector[] = [];
afterEach(async () => { await Promise.all(electors.splice(0).map((e) => e.stop({ release: false }))); });

interface Candidate {
  elector: LeaderElector;
  started: number[];
  stopped: number[];
  signals: AbortSignal[];
}

function candidate(store: FakeLeaseStore, identity: string, more: Partial<LeaderElectionConfig> = {}): Candidate {
  const started: number[] = [];
  const stopped: number[] = [];
  const signals: AbortSignal[] = [];
  const elector = new LeaderElector({
    leases: store, namespace: 'kube-system', name: 'ctl', identity,
    leaseDurationSeconds: LEASE_SECONDS, renewDeadlineMs: 600, retryPeriodMs: 100,
    onStartedLeading: (signal) => { started.push(Date.now()); signals.push(signal); },
    onStoppedLeading: () => { stopped.push(Date.now()); },
    ...more,
  });
  electors.push(elector);
  elector.start();
  return { elector, started, stopped, signals };
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
  return Date.now();
}

describe('LeaderElector', () => {
  it('creates the lease, leads, and keeps renewing it', async () => {
    const store = new FakeLeaseStore();
    const a = candidate(store, 'a');
    await until('a leads', () => a.started.length === 1);
    const first = store.peek('ctl', 'kube-system')!.spec!;
    expect(first).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: LEASE_SECONDS, leaseTransitions: 0 });
    await sleep(350);
    const later = store.peek('ctl', 'kube-system')!.spec!;
    expect(later.renewTime! > first.renewTime!).toBe(true);
    expect(later.acquireTime).toBe(first.acquireTime);
    expect(a.elector.isLeader).toBe(true);
  });

  it('lets only one of two candidates lead; the standby takes over only once the lease expires after the leader dies', async () => {
    const store = new FakeLeaseStore();
    const a = candidate(store, 'a');
    await until('a leads', () => a.started.length === 1);
    const b = candidate(store, 'b');
    await sleep(1500); // longer than the lease: b must still be waiting while a renews
    expect(b.started).toEqual([]);
    expect(b.elector.leader).toBe('a');

    const lastRenewal = Date.parse(store.peek('ctl', 'kube-system')!.spec!.renewTime!);
    await a.elector.stop({ release: false });
    const tookOver = await until('b leads', () => b.started.length === 1, 3000);
    expect(tookOver - lastRenewal).toBeGreaterThanOrEqual(LEASE_SECONDS * 1000);
    expect(tookOver - lastRenewal).toBeLessThan(LEASE_SECONDS * 1000 + 500);
    expect(store.peek('ctl', 'kube-system')!.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('hands the lease over at once on a clean stop', async () => {
    const store = new FakeLeaseStore();
    const a = candidate(store, 'a');
    await until('a leads', () => a.started.length === 1);
    const b = candidate(store, 'b');
    await sleep(200);
    const stoppedAt = Date.now();
    await a.elector.stop();
    expect(a.stopped).toHaveLength(1);
    const tookOver = await until('b leads', () => b.started.length === 1);
    expect(tookOver - stoppedAt).toBeLessThan(LEASE_SECONDS * 1000);
  });

  it('stops leading when it cannot renew within the renew deadline, then leads again once the API is back', async () => {
    const store = new FakeLeaseStore();
    const a = candidate(store, 'a');
    await until('a leads', () => a.started.length === 1);
    const downAt = Date.now();
    store.down = true;
    const stoppedAt = await until('a stops leading', () => a.stopped.length === 1);
    expect(a.signals[0]!.aborted).toBe(true);
    expect(stoppedAt - downAt).toBeLessThan(LEASE_SECONDS * 1000); // before anyone else could take over
    store.down = false;
    await until('a leads again', () => a.started.length === 2);
  });

  it('refuses timings where the leader could outlive its lease', () => {
    const store = new FakeLeaseStore();
    expect(() => new LeaderElector({ leases: store, namespace: 'n', name: 'l', identity: 'x', leaseDurationSeconds: 1, renewDeadlineMs: 1000,
      onStartedLeading: () => {}, onStoppedLeading: () => {} })).toThrow('greater than the renew deadline');
  });
});
