import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Event, Node, Pod } from '../../api/types/core.js';
import { PodGCController } from '../../control/controllers/podgc/pod-gc-controller.js';
import { TAINT_OUT_OF_SERVICE } from '../../control/controllers/podgc/plan.js';
import { createBoundPod } from '../harness/bound-pods.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

const PREFIX = `pgc${process.pid}`;
const NS = `${PREFIX}-ns`;
const SPEC = { containers: [{ name: 'c', image: 'busybox' }] };

let cluster: TestCluster;
let controller: PodGCController;

const nodes = () => cluster.client.resource<Node>('nodes');
const pods = () => cluster.client.resource<Pod>('pods');
const exists = async (name: string): Promise<boolean> => (await pods().list({ namespace: NS })).items.some((p) => p.metadata.name === name);

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  controller = new PodGCController(cluster.newClient(), { terminatedPodGCThreshold: 2, gcCheckPeriodMs: 200, quarantineMs: 1000 });
  await controller.start();
}, 60_000);

afterAll(async () => {
  await controller?.stop();
  await cluster?.stop();
});

describe('pod garbage collector', () => {
  it('force-deletes a pod bound to a node that was deleted, and says why in an Event; pods of live nodes stay', async () => {
    await nodes().create({ apiVersion: 'v1', kind: 'Node', metadata: { name: `${PREFIX}-doomed` } });
    await nodes().create({ apiVersion: 'v1', kind: 'Node', metadata: { name: `${PREFIX}-live` } });
    await createBoundPod(pods(), `${PREFIX}-doomed`, { name: `${PREFIX}-orphan`, namespace: NS, spec: SPEC });
    const kept = await createBoundPod(pods(), `${PREFIX}-live`, { name: `${PREFIX}-kept`, namespace: NS, spec: SPEC });
    const seen: Pod[] = [];
    const watch = pods().watch({ namespace: NS, resourceVersion: kept.metadata.resourceVersion, fieldSelector: `metadata.name=${PREFIX}-orphan` }, (e) => seen.push(e.object));
    await nodes().delete(`${PREFIX}-doomed`);

    await waitFor('the orphaned pod deleted', async () => !(await exists(`${PREFIX}-orphan`)), 15_000);
    watch.stop();
    // Set Failed, with the reason, before it went: whoever watched it saw it end.
    expect(seen.find((p) => p.status?.phase === 'Failed')?.status?.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC' }));
    const event = await waitFor('an Event on the orphaned pod', async () => (await cluster.client.resource<Event>('events').list({ namespace: NS })).items
      .find((e) => e.involvedObject.name === `${PREFIX}-orphan`));
    expect(event).toMatchObject({ reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    expect(await exists(`${PREFIX}-kept`)).toBe(true);
  }, 30_000);

  it('deletes no pod of a node its cache lacks but the API has, after the quarantine too', async () => {
    await nodes().create({ apiVersion: 'v1', kind: 'Node', metadata: { name: `${PREFIX}-unlisted` } });
    await createBoundPod(pods(), `${PREFIX}-unlisted`, { name: `${PREFIX}-stays`, namespace: NS, spec: SPEC });
    const lagging = new PodGCController(cluster.newClient(), { terminatedPodGCThreshold: 2, gcCheckPeriodMs: 200, quarantineMs: 500 });
    await lagging.start();
    try {
      // A node cache that lags the API (the node's add event not yet delivered): only the cache's list is replaced.
      const cache = (lagging as unknown as { nodes: { list(): Node[] } }).nodes;
      const list = cache.list.bind(cache);
      cache.list = () => list().filter((n) => n.metadata.name !== `${PREFIX}-unlisted`);
      // Several passes past the quarantine, each reading the node live and finding it.
      await new Promise((r) => setTimeout(r, 2000));
      expect(await exists(`${PREFIX}-stays`)).toBe(true);
      expect(lagging.deleted.size).toBe(0);
    } finally {
      await lagging.stop();
    }
  }, 30_000);

  it('force-deletes a terminating pod on a NotReady node tainted out-of-service', async () => {
    const name = `${PREFIX}-oos`;
    await nodes().create({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { taints: [{ key: TAINT_OUT_OF_SERVICE, value: 'nodeshutdown', effect: 'NoExecute' }] } });
    await createBoundPod(pods(), name, { name: `${PREFIX}-stuck`, namespace: NS, spec: SPEC });
    await pods().delete(`${PREFIX}-stuck`, NS);
    expect(await exists(`${PREFIX}-stuck`)).toBe(true); // bound: waits for an agent that will never confirm
    await waitFor('the terminating pod deleted', async () => !(await exists(`${PREFIX}-stuck`)), 15_000);
  }, 30_000);

  it('with threshold 2 and 4 failed pods, deletes the 2 oldest', async () => {
    // Created oldest first with names in reverse order, so name order alone would pick the wrong two.
    const failed = ['d', 'c', 'b', 'a'].map((s) => `${PREFIX}-failed-${s}`);
    for (const name of failed) {
      const created = await createBoundPod(pods(), `${PREFIX}-live`, { name, namespace: NS, spec: SPEC });
      await pods().updateStatus({ ...created, status: { ...created.status, phase: 'Failed' } });
      await new Promise((r) => setTimeout(r, 1100)); // creationTimestamp has whole seconds
    }
    await waitFor('two failed pods left', async () => (await pods().list({ namespace: NS })).items.filter((p) => p.status?.phase === 'Failed').length === 2, 15_000);
    const left = (await pods().list({ namespace: NS })).items.map((p) => p.metadata.name);
    expect(left).toEqual(expect.arrayContaining([`${PREFIX}-failed-b`, `${PREFIX}-failed-a`, `${PREFIX}-kept`]));
    expect(left).not.toContain(`${PREFIX}-failed-d`);
    expect(left).not.toContain(`${PREFIX}-failed-c`);
  }, 40_000);
});
