import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Lease, ReplicaSet } from '../../api/types/apps.js';
import type { Pod } from '../../api/types/core.js';
import { LeaderElector } from '../../control/client/leader-election.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

const CAIRN = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url));
const LEASE_SECONDS = 2;
const RETRY_MS = 200;
let cluster: TestCluster;
const electors: LeaderElector[] = [];
const processes: ChildProcess[] = [];
beforeAll(async () => { cluster = await startTestCluster(); });
afterAll(async () => {
  await Promise.all(electors.map((e) => e.stop({ release: false })));
  for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await cluster?.stop();
});

const leases = () => cluster.client.resource<Lease>('leases');

interface Candidate { elector: LeaderElector; ledAt?: number }

function candidate(lease: string, identity: string): Candidate {
  const c: Candidate = {
    elector: new LeaderElector({
      leases: cluster.newClient().resource<Lease>('leases'), namespace: 'kube-system', name: lease, identity,
      leaseDurationSeconds: LEASE_SECONDS, renewDeadlineMs: 1200, retryPeriodMs: RETRY_MS,
      onStartedLeading: () => { c.ledAt = Date.now(); },
      onStoppedLeading: () => { c.ledAt = undefined; },
    }),
  };
  electors.push(c.elector);
  c.elector.start();
  return c;
}

describe('leader election against the registry', () => {
  it('one of two candidates leads; when it dies without releasing, the other takes over once the lease runs out', async () => {
    const lease = `le-crash-${process.pid}`;
    const a = candidate(lease, 'a');
    await waitFor('a leads', () => a.ledAt !== undefined);
    const b = candidate(lease, 'b');
    await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000 + 500));
    expect(b.ledAt).toBeUndefined();
    expect((await leases().get(lease, 'kube-system')).spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: LEASE_SECONDS, leaseTransitions: 0 });

    await a.elector.stop({ release: false });
    const killedAt = Date.now();
    const lastRenewal = Date.parse((await leases().get(lease, 'kube-system')).spec!.renewTime!);
    const tookOver = await waitFor('b leads', () => b.ledAt, 10_000);
    // Not before the lease ran out, and within it (plus the standby's polling).
    expect(tookOver - lastRenewal).toBeGreaterThanOrEqual(LEASE_SECONDS * 1000);
    expect(tookOver - killedAt).toBeLessThan(LEASE_SECONDS * 1000 + 3 * RETRY_MS);
    expect((await leases().get(lease, 'kube-system')).spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('a leader that stops cleanly releases the lease, so the standby takes over at once', async () => {
    const lease = `le-release-${process.pid}`;
    const a = candidate(lease, 'a');
    await waitFor('a leads', () => a.ledAt !== undefined);
    const b = candidate(lease, 'b');
    await new Promise((r) => setTimeout(r, 3 * RETRY_MS));
    const stoppedAt = Date.now();
    await a.elector.stop();
    const tookOver = await waitFor('b leads', () => b.ledAt);
    expect(tookOver - stoppedAt).toBeLessThan(LEASE_SECONDS * 1000);
  });

  it('two `cairn controllers` replicas: only the leader acts; the standby takes over when the leader is killed', async () => {
    const ns = `le-${process.pid}`;
    await cluster.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const start = (): { proc: ChildProcess; log: () => string } => {
      let log = '';
      const proc = spawn('node', [CAIRN, '--kubeconfig', cluster.kubeconfig, 'controllers', '--leader-elect-lease-duration', '3s'], { stdio: ['ignore', 'ignore', 'pipe'] });
      proc.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
      processes.push(proc);
      return { proc, log: () => log };
    };
    const first = start();
    const holder = async (): Promise<string | undefined> => {
      try { return (await leases().get('cairn-controller-manager', 'kube-system')).spec?.holderIdentity; } catch { return undefined; }
    };
    const firstHolder = await waitFor('the first replica leads', holder, 15_000);
    const second = start();
    await waitFor('the second replica sees the leader', () => /"self":false/.test(second.log()), 15_000);

    const rs = cluster.client.resource<ReplicaSet>('replicasets');
    await rs.create({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: ns },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
    });
    const livePods = async (): Promise<number> => (await cluster.client.resource<Pod>('pods').list({ namespace: ns })).items.length;
    await waitFor('the leader creates the pod', async () => (await livePods()) === 1, 15_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await livePods()).toBe(1);
    expect(second.log()).not.toContain('became leader');

    first.proc.kill('SIGKILL');
    await rs.patch('web', { spec: { replicas: 2 } }, 'application/merge-patch+json', ns, 'scale');
    await waitFor('the standby takes the lease', async () => { const h = await holder(); return h !== firstHolder && h; }, 10_000);
    await waitFor('the new leader scales up', async () => (await livePods()) === 2, 15_000);
  });
});
