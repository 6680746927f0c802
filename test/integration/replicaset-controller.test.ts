import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ReplicaSet } from '../../api/types/apps.js';
import type { Event, Pod } from '../../api/types/core.js';
import { ReplicaSetController } from '../../control/controllers/replicaset/replicaset-controller.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

const run = promisify(execFile);
const CAIRN = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url));
const NS = `rs-test-${process.pid}`;
let cluster: TestCluster;
let controller: ReplicaSetController;
beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  controller = new ReplicaSetController(cluster.newClient());
  await controller.start();
});
afterAll(async () => {
  await controller?.stop();
  await cluster?.stop();
});

const pods = () => cluster.client.resource<Pod>('pods');
const replicaSets = () => cluster.client.resource<ReplicaSet>('replicasets');
const container = { name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] };

function createReplicaSet(name: string, replicas: number, minReadySeconds = 0): Promise<ReplicaSet> {
  return replicaSets().create({
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: NS },
    spec: { replicas, minReadySeconds, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [container] } } },
  });
}

/** The live (not deleting) pods labelled app=`app`. */
async function podsOf(app: string): Promise<Pod[]> {
  const list = await pods().list({ namespace: NS, labelSelector: `app=${app}` });
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

const podCount = (app: string, n: number) => async (): Promise<Pod[] | false> => {
  const items = await podsOf(app);
  return items.length === n && items;
};

/** What an agent would report: the pod Running and Ready since now. */
function setReady(pod: Pod): Promise<Pod> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return pods().updateStatus({ ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } });
}

async function eventsFor(name: string, reason: string): Promise<Event[]> {
  const list = await cluster.client.resource<Event>('events').list({ namespace: NS });
  return list.items.filter((e) => e.involvedObject.name === name && e.reason === reason);
}

async function shell(cmd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(cmd, args, { timeout: 30_000 });
  return stdout;
}

describe('ReplicaSet controller', () => {
  it('creates, replaces, scales (kubectl and cairn) and reports status', async () => {
    const rs = await createReplicaSet('web', 3, 2);
    const created = await waitFor('3 pods', podCount('web', 3));
    for (const pod of created) {
      expect(pod.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    await waitFor('SuccessfulCreate events', async () => (await eventsFor('web', 'SuccessfulCreate')).length === 3);

    // Two pods become Ready: ready at once, available only after minReadySeconds (2 s).
    await Promise.all(created.slice(0, 2).map(setReady));
    const ready = await waitFor('readyReplicas 2', async () => {
      const s = (await replicaSets().get('web', NS)).status;
      return s?.readyReplicas === 2 && s;
    });
    expect(ready).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, availableReplicas: 0, observedGeneration: 1 });
    await waitFor('availableReplicas 2', async () => (await replicaSets().get('web', NS)).status?.availableReplicas === 2, 6000);
    // Seconds of status updates and pod events later, still exactly the 3 pods it first created (expectations).
    expect(await podsOf('web')).toHaveLength(3);
    expect(await eventsFor('web', 'SuccessfulCreate')).toHaveLength(3);

    // A deleted pod is replaced.
    const victim = created[2]!.metadata.name!;
    await pods().delete(victim, NS);
    const replaced = await waitFor('a replacement pod', async () => {
      const items = await podsOf('web');
      return items.length === 3 && !items.some((p) => p.metadata.name === victim) && items;
    });
    expect(replaced.filter((p) => !created.some((c) => c.metadata.name === p.metadata.name))).toHaveLength(1);

    // kubectl scale through the scale subresource.
    expect(await shell('kubectl', '--kubeconfig', cluster.kubeconfig, '-n', NS, 'scale', 'rs/web', '--replicas=5')).toContain('replicaset.apps/web scaled');
    await waitFor('5 pods', podCount('web', 5));
    await waitFor('status.replicas 5 at generation 2', async () => {
      const got = await replicaSets().get('web', NS);
      return got.status?.replicas === 5 && got.status.observedGeneration === 2;
    });

    // cairn scale down to 1: the unready pods go first, so one of the two Ready pods remains.
    expect(await shell('node', CAIRN, '--kubeconfig', cluster.kubeconfig, '-n', NS, 'scale', 'replicaset', 'web', '--replicas', '1')).toContain('replicaset.apps/web scaled');
    const [survivor] = await waitFor('1 pod', podCount('web', 1));
    expect(created.slice(0, 2).map((p) => p.metadata.name)).toContain(survivor!.metadata.name);
    await waitFor('4 SuccessfulDelete events', async () => (await eventsFor('web', 'SuccessfulDelete')).length === 4);
    await waitFor('status after scale-down', async () => {
      const s = (await replicaSets().get('web', NS)).status;
      return s?.replicas === 1 && s.readyReplicas === 1 && s.availableReplicas === 1 && s.observedGeneration === 3;
    });
  });

  it('adopts matching orphans and releases pods relabelled away', async () => {
    const orphans = await Promise.all(['a', 'b'].map((n) => pods().create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `orphan-${n}`, namespace: NS, labels: { app: 'adopt' } }, spec: { containers: [container] },
    })));
    const rs = await createReplicaSet('adopt', 3);
    const owned = await waitFor('2 adopted + 1 new pod', async () => {
      const items = await podsOf('adopt');
      return items.length === 3 && items.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid) && items;
    });
    expect(owned.map((p) => p.metadata.name)).toEqual(expect.arrayContaining(orphans.map((p) => p.metadata.name)));
    await waitFor('1 SuccessfulCreate event (the adopted pods were not created)', async () => (await eventsFor('adopt', 'SuccessfulCreate')).length === 1);

    // Relabelled away: released (no controllerRef) and replaced.
    const released = await pods().patch('orphan-a', { metadata: { labels: { app: 'elsewhere' } } }, 'application/merge-patch+json', NS);
    expect(released.metadata.ownerReferences?.length).toBe(1);
    await waitFor('orphan-a released', async () => !(await pods().get('orphan-a', NS)).metadata.ownerReferences?.length);
    const after = await waitFor('a replacement for the released pod', podCount('adopt', 3));
    expect(after.map((p) => p.metadata.name)).not.toContain('orphan-a');
    await waitFor('status replicas 3', async () => (await replicaSets().get('adopt', NS)).status?.replicas === 3);
  });

  it('leaves pods controlled by another owner alone', async () => {
    const other = await createReplicaSet('shared', 1);
    await waitFor('1 pod', podCount('shared', 1));
    // A second ReplicaSet with an overlapping selector must not steal the first one's pod.
    const rival = await replicaSets().create({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rival', namespace: NS },
      spec: { replicas: 2, selector: { matchLabels: { app: 'shared' } }, template: { metadata: { labels: { app: 'shared', rival: 'yes' } }, spec: { containers: [container] } } },
    });
    const all = await waitFor('1 + 2 pods', podCount('shared', 3));
    const owners = all.map((p) => p.metadata.ownerReferences?.[0]?.uid);
    expect(owners.filter((u) => u === other.metadata.uid)).toHaveLength(1);
    expect(owners.filter((u) => u === rival.metadata.uid)).toHaveLength(2);
  });

  it('scales a large set in slow-start batches without overshooting', async () => {
    await createReplicaSet('many', 60);
    await waitFor('60 pods', podCount('many', 60), 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await podsOf('many')).toHaveLength(60);
    await replicaSets().patch('many', { spec: { replicas: 0 } }, 'application/merge-patch+json', NS, 'scale');
    await waitFor('0 pods', podCount('many', 0), 20_000);
    await waitFor('status replicas 0', async () => (await replicaSets().get('many', NS)).status?.replicas === 0);
  });

  it('reports its pods in status as its slow-start batches create them, not only after the last', async () => {
    // etcd revisions order the two watches: status writes against pod creations.
    const statuses: { rv: number; replicas: number }[] = [];
    const created: number[] = [];
    const from = (await replicaSets().list({ namespace: NS })).metadata.resourceVersion;
    const rsWatch = replicaSets().watch({ namespace: NS, resourceVersion: from, fieldSelector: 'metadata.name=progress' }, (e) => {
      statuses.push({ rv: Number(e.object.metadata.resourceVersion), replicas: e.object.status?.replicas ?? 0 });
    });
    const podWatch = pods().watch({ namespace: NS, resourceVersion: from, labelSelector: 'app=progress' }, (e) => {
      if (e.type === 'ADDED') created.push(Number(e.object.metadata.resourceVersion));
    });
    try {
      await createReplicaSet('progress', 40);
      await waitFor('status replicas 40', async () => (await replicaSets().get('progress', NS)).status?.replicas === 40, 20_000);
      await waitFor('40 creations seen', () => created.length === 40);
    } finally {
      rsWatch.stop();
      podWatch.stop();
    }
    const lastCreation = Math.max(...created);
    const before = statuses.filter((s) => s.rv < lastCreation).map((s) => s.replicas);
    expect(before).toEqual(expect.arrayContaining([1, 3, 7]));
    // Never backwards: each status counts at least the pods the one before did.
    const counts = statuses.map((s) => s.replicas);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it('reports pods it cannot create as a ReplicaFailure condition', async () => {
    const ns = `${NS}-closing`;
    await cluster.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await replicaSets().create({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'doomed', namespace: ns },
      spec: { replicas: 0, selector: { matchLabels: { app: 'doomed' } }, template: { metadata: { labels: { app: 'doomed' } }, spec: { containers: [container] } } },
    });
    // No namespace controller runs here, so the namespace stays Terminating and refuses new pods.
    await cluster.client.resource('namespaces').delete(ns);
    await replicaSets().patch('doomed', { spec: { replicas: 4 } }, 'application/merge-patch+json', ns, 'scale');
    const failure = await waitFor('ReplicaFailure', async () => (await replicaSets().get('doomed', ns)).status?.conditions?.find((c) => c.type === 'ReplicaFailure'));
    expect(failure).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    expect((await pods().list({ namespace: ns })).items).toHaveLength(0);
  });
});
