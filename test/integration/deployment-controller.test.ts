import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { WatchHandle } from '../../control/client/resource-client.js';
import type { Deployment, ReplicaSet } from '../../api/types/apps.js';
import type { Event, Pod } from '../../api/types/core.js';
import { startControllers } from '../../control/controllers/manager.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { FakeKubelet } from '../harness/fake-kubelet.js';
import { waitFor } from '../harness/wait.js';

const run = promisify(execFile);
const CAIRN = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url));
const SUITE = `dc${process.pid}`;

let cluster: TestCluster;
let controllers: { stop(): Promise<void> } | undefined;
let kubelet: FakeKubelet | undefined;

beforeAll(async () => {
  cluster = await startTestCluster();
  controllers = await startControllers(cluster.newClient());
  kubelet = new FakeKubelet(cluster.newClient(), { nodeName: `${SUITE}-node`, labelSelector: `suite=${SUITE}`, readyDelayMs: 150, terminationDelayMs: 300, neverReady: /never-ready/ });
  await kubelet.start();
});
afterAll(async () => {
  await kubelet?.stop();
  await controllers?.stop();
  await cluster?.stop();
});

interface Result { stdout: string; stderr: string; code: number }
async function exec(cmd: string, args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(cmd, args, { timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as Result;
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}
/** A child process whose output can be read while it runs. */
function spawnResult(cmd: string, args: string[]): { stdout(): string; done: Promise<Result> } {
  const child = spawn(cmd, args);
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const done = new Promise<Result>((resolve) => child.on('close', (code) => resolve({ stdout: out, stderr: err, code: code ?? -1 })));
  return { stdout: () => out, done };
}
const cairn = (...args: string[]): Promise<Result> => exec('node', [CAIRN, '--kubeconfig', cluster.kubeconfig, ...args]);
const kubectl = (...args: string[]): Promise<Result> => exec('kubectl', ['--kubeconfig', cluster.kubeconfig, ...args]);

const deployments = () => cluster.client.resource<Deployment>('deployments');
const replicaSets = () => cluster.client.resource<ReplicaSet>('replicasets');
const pods = () => cluster.client.resource<Pod>('pods');

function deployment(name: string, replicas: number, image: string, extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, suite: SUITE } }, spec: { containers: [{ name: 'app', image }] } },
      ...extra,
    },
  };
}

async function setImage(name: string, image: string): Promise<void> {
  await deployments().patch(name, { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } }, 'application/strategic-merge-patch+json', 'default');
}

const progressing = (d: Deployment) => d.status?.conditions?.find((c) => c.type === 'Progressing');

/** Waits until the rollout is complete (kube's DeploymentComplete plus NewReplicaSetAvailable). */
async function rolledOut(name: string, timeoutMs = 30_000): Promise<Deployment> {
  return waitFor(`deployment ${name} rolled out`, async () => {
    const d = await deployments().get(name, 'default');
    const s = d.status ?? {};
    const n = d.spec.replicas;
    const done = (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && s.replicas === n && s.updatedReplicas === n && s.availableReplicas === n
      && progressing(d)?.reason === 'NewReplicaSetAvailable';
    return done ? d : undefined;
  }, timeoutMs);
}

async function ownedReplicaSets(d: Deployment): Promise<ReplicaSet[]> {
  const list = await replicaSets().list({ namespace: 'default', labelSelector: `app=${d.metadata.name}` });
  return list.items.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid && r.controller));
}

const livePods = async (app: string): Promise<Pod[]> => (await pods().list({ namespace: 'default', labelSelector: `app=${app}` })).items;
const isReady = (p: Pod): boolean => !p.metadata.deletionTimestamp && !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const image = (p: Pod): string | undefined => p.spec.containers[0]?.image;

/** Follows the pods (or ReplicaSets) of `app` from a watch stream, checking `invariant` after every event. */
async function watchApp<T extends Pod | ReplicaSet>(resource: 'pods' | 'replicasets', app: string, invariant: (objects: T[]) => string | undefined): Promise<{ stop(): void; violations: string[]; seen: T[][] }> {
  const client = cluster.client.resource<T>(resource);
  const list = await client.list({ namespace: 'default', labelSelector: `app=${app}` });
  const current = new Map(list.items.map((o) => [o.metadata.name!, o]));
  const violations: string[] = [];
  const seen: T[][] = [];
  const handle: WatchHandle = client.watch({ namespace: 'default', labelSelector: `app=${app}`, resourceVersion: list.metadata.resourceVersion }, (event) => {
    if (event.type === 'DELETED') current.delete(event.object.metadata.name!);
    else current.set(event.object.metadata.name!, event.object);
    const snapshot = [...current.values()];
    seen.push(snapshot);
    const broken = invariant(snapshot);
    if (broken) violations.push(broken);
  });
  handle.done.catch(() => {});
  return { stop: () => handle.stop(), violations, seen };
}

describe('deployment controller with the ReplicaSet controller', () => {
  it('brings a Deployment of 5 up through one ReplicaSet with hash label and revision 1', async () => {
    await deployments().create(deployment('web', 5, 'busybox:1', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } }, revisionHistoryLimit: 2 }));
    const d = await rolledOut('web');
    expect(d.status).toMatchObject({ replicas: 5, updatedReplicas: 5, readyReplicas: 5, availableReplicas: 5 });
    expect(d.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const [rs, ...others] = await ownedReplicaSets(d);
    expect(others).toEqual([]);
    const hash = rs!.metadata.labels!['pod-template-hash']!;
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '5', 'deployment.kubernetes.io/max-replicas': '6' });
    const running = await livePods('web');
    expect(running.filter(isReady).map((p) => p.metadata.labels?.['pod-template-hash'])).toEqual(Array(5).fill(hash));
    await waitFor('a ScalingReplicaSet event', async () => (await cluster.client.resource<Event>('events').list({ namespace: 'default', fieldSelector: 'involvedObject.name=web' })).items
      .some((e) => e.reason === 'ScalingReplicaSet' && e.message === `Scaled up replica set web-${hash} from 0 to 5`));
  });

  it('rolls a template change over within maxSurge 1 / maxUnavailable 1 at every moment, watched live', async () => {
    const rsWatch = await watchApp<ReplicaSet>('replicasets', 'web', (all) => {
      const total = all.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
      return total > 6 ? `ReplicaSets sized ${total} in all (max 5 + 1 surge)` : undefined;
    });
    const watch = await watchApp<Pod>('pods', 'web', (all) => {
      const active = all.filter((p) => !p.metadata.deletionTimestamp);
      const ready = all.filter(isReady);
      if (active.length > 6) return `${active.length} pods (max 5 + 1 surge)`;
      if (ready.length < 4) return `${ready.length} ready pods (min 5 - 1 unavailable)`;
      return undefined;
    });
    await setImage('web', 'busybox:2');
    const d = await rolledOut('web');
    await waitFor('old pods gone', async () => (await livePods('web')).every((p) => image(p) === 'busybox:2' && isReady(p)) || undefined);
    watch.stop();
    rsWatch.stop();
    expect(watch.violations).toEqual([]);
    expect(rsWatch.violations).toEqual([]);
    expect(rsWatch.seen.length).toBeGreaterThan(2);
    // It was a rolling update: some moment had old and new pods ready side by side.
    expect(watch.seen.some((s) => s.some((p) => isReady(p) && image(p) === 'busybox:1') && s.some((p) => isReady(p) && image(p) === 'busybox:2'))).toBe(true);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const sets = await ownedReplicaSets(d);
    expect(sets.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs.spec.replicas]).sort()).toEqual([['1', 0], ['2', 5]]);
  });

  it('undo (cairn) returns to the previous revision, which moves to a new revision number', async () => {
    const res = await cairn('rollout', 'undo', 'deployment/web');
    expect(res).toMatchObject({ code: 0, stdout: 'deployment.apps/web rolled back\n' });
    const d = await rolledOut('web');
    await waitFor('only busybox:1 pods', async () => (await livePods('web')).every((p) => image(p) === 'busybox:1') || undefined);
    const sets = await ownedReplicaSets(d);
    const v1 = sets.find((rs) => rs.spec.template.spec.containers[0]!.image === 'busybox:1')!;
    expect(v1.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(v1.spec.replicas).toBe(5);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    const history = await cairn('rollout', 'history', 'deployment/web');
    expect(history).toMatchObject({ code: 0, stderr: '' });
    expect(history.stdout).toMatch(/^deployment.apps\/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n/);
    expect(history.stdout).toBe((await kubectl('rollout', 'history', 'deployment/web')).stdout);
  });

  it('kubectl rollout undo --to-revision and restart work against the controller; history is trimmed to revisionHistoryLimit', async () => {
    expect((await kubectl('rollout', 'undo', 'deployment/web', '--to-revision=2')).stdout).toContain('deployment.apps/web rolled back');
    await rolledOut('web');
    await waitFor('only busybox:2 pods', async () => (await livePods('web')).every((p) => image(p) === 'busybox:2') || undefined);
    expect((await kubectl('rollout', 'restart', 'deployment/web')).stdout).toContain('deployment.apps/web restarted');
    const d = await rolledOut('web');
    expect(d.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
    // Revisions 4 (busybox:2), 5 (restart); limit 2 keeps old revision 3 and, at most, one more.
    await waitFor('old ReplicaSets trimmed to the history limit', async () => (await ownedReplicaSets(d)).length <= 3 || undefined);
    const revisions = (await ownedReplicaSets(d)).map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'])).sort();
    expect(revisions).toEqual([3, 4, 5]);
  });

  it('rollout status follows progress and succeeds, through cairn and kubectl', async () => {
    // Paused with a new template, the rollout is pending for sure while both commands start.
    await cairn('rollout', 'pause', 'deployment/web');
    await deployments().patch('web', { spec: { minReadySeconds: 1, template: { spec: { containers: [{ name: 'app', image: 'busybox:3' }] } } } }, 'application/strategic-merge-patch+json', 'default');
    const mine = spawnResult('node', [CAIRN, '--kubeconfig', cluster.kubeconfig, 'rollout', 'status', 'deployment/web', '--timeout', '60s']);
    const theirs = spawnResult('kubectl', ['--kubeconfig', cluster.kubeconfig, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
    const waiting = 'Waiting for deployment "web" rollout to finish: 0 out of 5 new replicas have been updated...';
    await waitFor('both commands waiting', () => mine.stdout().includes(waiting) && theirs.stdout().includes(waiting), 20_000);
    expect((await cairn('rollout', 'resume', 'deployment/web')).stdout).toBe('deployment.apps/web resumed\n');
    for (const res of await Promise.all([mine.done, theirs.done])) {
      expect(res).toMatchObject({ code: 0, stderr: '' });
      expect(res.stdout).toMatch(/Waiting for deployment "web" rollout to finish: \d+ (out of 5 new replicas have been updated|old replicas are pending termination|of 5 updated replicas are available)\.\.\./);
      expect(res.stdout.trimEnd().split('\n').at(-1)).toBe('deployment "web" successfully rolled out');
    }
    expect((await cairn('rollout', 'status', 'deployment/web')).stdout).toBe('deployment "web" successfully rolled out\n');
  });

  it('a version that never becomes ready stalls with Progressing=False/ProgressDeadlineExceeded while the old pods keep serving', async () => {
    await deployments().create(deployment('stall', 3, 'busybox:1', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, progressDeadlineSeconds: 2 }));
    await rolledOut('stall');
    await setImage('stall', 'never-ready:1');
    const stalled = await waitFor('ProgressDeadlineExceeded', async () => {
      const d = await deployments().get('stall', 'default');
      return progressing(d)?.reason === 'ProgressDeadlineExceeded' ? d : undefined;
    }, 15_000);
    expect(progressing(stalled)).toMatchObject({ status: 'False', message: expect.stringMatching(/^ReplicaSet "stall-\w+" has timed out progressing\.$/) });
    expect(stalled.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    const serving = (await livePods('stall')).filter(isReady);
    expect(serving.map(image)).toEqual(['busybox:1', 'busybox:1', 'busybox:1']);
    const mine = await cairn('rollout', 'status', 'deployment/stall');
    expect(mine).toMatchObject({ code: 1, stderr: 'error: deployment "stall" exceeded its progress deadline\n' });
    const theirs = await kubectl('rollout', 'status', 'deployment/stall');
    expect(theirs.code).not.toBe(0);
    expect(theirs.stderr).toContain('deployment "stall" exceeded its progress deadline');
  });

  it('--timeout ends rollout status with a non-zero exit', async () => {
    await deployments().patch('stall', { spec: { progressDeadlineSeconds: 600 } }, 'application/merge-patch+json', 'default');
    await setImage('stall', 'never-ready:2');
    const res = await cairn('rollout', 'status', 'deployment/stall', '--timeout', '2s');
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('Waiting for deployment "stall" rollout to finish');
    expect(res.stderr).toBe('error: timed out waiting for the condition\n');
  });

  it('scaling in the middle of a rollout spreads the change over the ReplicaSets in proportion', async () => {
    // stall: busybox:1 ×3 available, never-ready:2 ×1 stuck; sized for 3 + 1 surge.
    const before = await ownedReplicaSets(await deployments().get('stall', 'default'));
    const sizeOf = (sets: ReplicaSet[], img: string) => sets.find((rs) => rs.spec.template.spec.containers[0]!.image === img)?.spec.replicas;
    expect([sizeOf(before, 'busybox:1'), sizeOf(before, 'never-ready:2')]).toEqual([3, 1]);
    await deployments().patch('stall', { spec: { replicas: 6 } }, 'application/merge-patch+json', 'default');
    // 6 + 1 surge = 7 = 4 × 7/4: busybox:1 3 → 5, never-ready:2 1 → 2.
    await waitFor('proportional sizes', async () => {
      const sets = await ownedReplicaSets(await deployments().get('stall', 'default'));
      return sizeOf(sets, 'busybox:1') === 5 && sizeOf(sets, 'never-ready:2') === 2;
    });
  });

  it('Recreate scales the old pods to zero and waits for them to be gone before starting new ones', async () => {
    await deployments().create(deployment('re', 3, 'busybox:1', { strategy: { type: 'Recreate' } }));
    await rolledOut('re');
    const watch = await watchApp<Pod>('pods', 're', (all) => {
      const images = new Set(all.map(image));
      return images.size > 1 ? `old and new pods at once: ${all.map((p) => `${p.metadata.name}:${image(p)}${p.metadata.deletionTimestamp ? '(terminating)' : ''}`).join(' ')}` : undefined;
    });
    await setImage('re', 'busybox:2');
    await rolledOut('re');
    watch.stop();
    expect(watch.violations).toEqual([]);
    expect(watch.seen.some((s) => s.length === 0)).toBe(true);
    expect((await livePods('re')).map(image)).toEqual(['busybox:2', 'busybox:2', 'busybox:2']);
  });

  it('a paused Deployment does not roll out (but scales); resume rolls it out', async () => {
    expect((await cairn('rollout', 'pause', 'deployment/re')).stdout).toBe('deployment.apps/re paused\n');
    expect((await cairn('rollout', 'pause', 'deployment/re')).stderr).toBe('error: deployments.apps "re" is already paused\n');
    await setImage('re', 'busybox:3');
    await deployments().patch('re', { spec: { replicas: 4 } }, 'application/merge-patch+json', 'default');
    const paused = await waitFor('paused condition and the scale-up', async () => {
      const d = await deployments().get('re', 'default');
      return progressing(d)?.reason === 'DeploymentPaused' && d.status?.availableReplicas === 4 ? d : undefined;
    });
    expect(progressing(paused)?.status).toBe('Unknown');
    await sleep(500);
    expect((await livePods('re')).map(image)).toEqual(Array(4).fill('busybox:2'));
    expect(await ownedReplicaSets(paused)).toHaveLength(2);
    expect((await kubectl('rollout', 'resume', 'deployment/re')).stdout).toContain('deployment.apps/re resumed');
    await rolledOut('re');
    await waitFor('all pods busybox:3', async () => {
      const all = await livePods('re');
      return all.length === 4 && all.every((p) => image(p) === 'busybox:3');
    });
  });

  it('deleting a Deployment removes its ReplicaSets and their pods (garbage collection)', async () => {
    const doomed = await deployments().get('re', 'default');
    expect(await ownedReplicaSets(doomed)).not.toHaveLength(0);
    expect(await livePods('re')).not.toHaveLength(0);
    await deployments().delete('re', 'default');
    await waitFor('its ReplicaSets and pods gone', async () =>
      (await replicaSets().list({ namespace: 'default', labelSelector: 'app=re' })).items.length === 0 && (await livePods('re')).length === 0, 30_000);
  });
});
