import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ApiError } from '../../api/errors.js';
import type { ApiObject, OwnerReference } from '../../api/meta.js';
import type { ApiClient } from '../../control/client/client.js';
import { startControllers } from '../../control/controllers/manager.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

const CAIRN = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url));
const run = promisify(execFile);
const NS = `gc-${process.pid}`;
const HOLD = 'example.com/hold';

let cluster: TestCluster;
let controllers: { stop(): Promise<void> } | undefined;
let c: ApiClient;

beforeAll(async () => {
  cluster = await startTestCluster();
  c = cluster.client;
  await c.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  controllers = await startControllers(cluster.newClient());
}, 60_000);
afterAll(async () => {
  await controllers?.stop();
  await cluster?.stop();
});

const configMaps = () => c.resource('configmaps');

function refTo(owner: ApiObject, blockOwnerDeletion?: boolean): OwnerReference {
  return { apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, ...(blockOwnerDeletion !== undefined ? { blockOwnerDeletion } : {}) };
}

function configMap(name: string, meta: Partial<ApiObject['metadata']> = {}): Promise<ApiObject> {
  return configMaps().create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, ...meta }, data: { k: 'v' } });
}

async function find(resource: string, name: string): Promise<ApiObject | undefined> {
  try {
    return await c.resource(resource).get(name, NS);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

const gone = (resource: string, name: string, timeoutMs = 10_000): Promise<boolean> =>
  waitFor(`${resource} ${name} to be deleted`, async () => (await find(resource, name)) === undefined, timeoutMs);

async function release(name: string): Promise<void> {
  await configMaps().patch(name, { metadata: { finalizers: null } }, 'application/merge-patch+json', NS);
}

async function deleteWith(name: string, body: object): Promise<ApiObject> {
  return c.transport.json('DELETE', configMaps().path(NS, name), { kind: 'DeleteOptions', apiVersion: 'v1', ...body });
}

describe('garbage collector', () => {
  it('background deletion (the default): the owner goes now, its dependents of any kind afterwards', async () => {
    const owner = await configMap('bg-owner');
    await configMap('bg-dep', { ownerReferences: [refTo(owner)] });
    await c.resource('pods').create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bg-pod', namespace: NS, ownerReferences: [refTo(owner, true)] },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const keeper = await configMap('bg-other');
    await configMap('bg-shared', { ownerReferences: [refTo(owner), refTo(keeper)] });

    await configMaps().delete('bg-owner', NS);
    expect(await find('configmaps', 'bg-owner')).toBeUndefined();
    await gone('configmaps', 'bg-dep');
    await gone('pods', 'bg-pod');
    // An object another owner still keeps stays, without the reference to the gone owner.
    await waitFor('the gone owner dropped from bg-shared', async () => (await find('configmaps', 'bg-shared'))?.metadata.ownerReferences?.length === 1);
    expect((await find('configmaps', 'bg-shared'))!.metadata.ownerReferences).toEqual([refTo(keeper)]);
  });

  it('foreground deletion keeps the owner, with deletionTimestamp and finalizer, until blocking dependents are gone', async () => {
    const owner = await configMap('fg-owner');
    await configMap('fg-blocking', { ownerReferences: [refTo(owner, true)], finalizers: [HOLD] });
    await configMap('fg-free', { ownerReferences: [refTo(owner, false)] });

    const marked = await deleteWith('fg-owner', { propagationPolicy: 'Foreground' });
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.finalizers).toEqual(['foregroundDeletion']);
    await gone('configmaps', 'fg-free');
    await waitFor('the blocking dependent is being deleted', async () => !!(await find('configmaps', 'fg-blocking'))?.metadata.deletionTimestamp);
    await sleep(500);
    const waiting = await find('configmaps', 'fg-owner');
    expect(waiting?.metadata).toMatchObject({ deletionTimestamp: expect.any(String), finalizers: ['foregroundDeletion'] });
    await waitFor('a WaitingForDependents event on the owner', async () => (await c.resource('events').list({ namespace: NS })).items
      .some((e) => e.reason === 'WaitingForDependents' && (e.involvedObject as { name: string }).name === 'fg-owner'));

    await release('fg-blocking');
    await gone('configmaps', 'fg-blocking');
    await gone('configmaps', 'fg-owner');
  });

  it('foreground deletion cascades: a dependent with dependents of its own is deleted in the foreground too', async () => {
    const top = await configMap('fg2-top');
    const middle = await configMap('fg2-middle', { ownerReferences: [refTo(top, true)] });
    await configMap('fg2-leaf', { ownerReferences: [refTo(middle, true)], finalizers: [HOLD] });

    await deleteWith('fg2-top', { propagationPolicy: 'Foreground' });
    await waitFor('the middle object waits for its own dependent', async () => (await find('configmaps', 'fg2-middle'))?.metadata.finalizers?.includes('foregroundDeletion'));
    await sleep(300);
    expect(await find('configmaps', 'fg2-top')).toBeDefined();
    await release('fg2-leaf');
    await gone('configmaps', 'fg2-middle');
    await gone('configmaps', 'fg2-top');
  });

  it('foreground deletion of an ownership cycle does not wait forever', async () => {
    const a = await configMap('cy-a');
    const b = await configMap('cy-b', { ownerReferences: [refTo(a, true)] });
    await configMaps().patch('cy-a', { metadata: { ownerReferences: [refTo(b, true)] } }, 'application/merge-patch+json', NS);

    await deleteWith('cy-a', { propagationPolicy: 'Foreground' });
    await gone('configmaps', 'cy-a');
    await gone('configmaps', 'cy-b');
  });

  it('a ReplicaSet deleted in the foreground waits for its pods; in the background its pods follow', async () => {
    const replicaSet = (name: string): ApiObject => ({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: NS },
      spec: { replicas: 2, selector: { matchLabels: { rs: name } }, template: { metadata: { labels: { rs: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const podsOf = async (name: string): Promise<ApiObject[]> => (await c.resource('pods').list({ namespace: NS, labelSelector: `rs=${name}` })).items;
    for (const [name, policy] of [['rs-fg', 'Foreground'], ['rs-bg', 'Background']] as const) {
      const rs = await c.resource('replicasets').create(replicaSet(name));
      await waitFor(`${name}'s pods`, async () => (await podsOf(name)).length === 2);
      expect((await podsOf(name))[0]!.metadata.ownerReferences).toEqual([{ ...refTo(rs, true), controller: true }]);
      const deleted = await c.resource('replicasets').delete(name, NS, { propagationPolicy: policy });
      expect(deleted.metadata.finalizers).toEqual(policy === 'Foreground' ? ['foregroundDeletion'] : undefined);
      await waitFor(`${name}'s pods deleted`, async () => (await podsOf(name)).length === 0);
      await gone('replicasets', name);
    }
  });

  it('orphan deletion (policy or legacy orphanDependents) leaves dependents with the ownerReference removed', async () => {
    const owner = await configMap('or-owner');
    const other = await configMap('or-other');
    await configMap('or-dep', { ownerReferences: [refTo(owner, true)] });
    await configMap('or-two', { ownerReferences: [refTo(owner), refTo(other)] });

    await deleteWith('or-owner', { propagationPolicy: 'Orphan' });
    await gone('configmaps', 'or-owner');
    expect((await find('configmaps', 'or-dep'))!.metadata.ownerReferences).toBeUndefined();
    expect((await find('configmaps', 'or-two'))!.metadata.ownerReferences).toEqual([refTo(other)]);

    const legacy = await configMap('or-legacy');
    await configMap('or-legacy-dep', { ownerReferences: [refTo(legacy)] });
    await deleteWith('or-legacy', { orphanDependents: true });
    await gone('configmaps', 'or-legacy');
    await sleep(300);
    expect((await find('configmaps', 'or-legacy-dep'))!.metadata.ownerReferences).toBeUndefined();
  });

  it('collects a dependent whose owner never existed, or is another incarnation', async () => {
    await configMap('dangling', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'never-was', uid: randomUUID() }] });
    await configMap('reincarnated');
    await configMap('wrong-uid', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'reincarnated', uid: randomUUID() }] });
    // An owner of a kind this cluster does not serve cannot be proven gone: the object stays.
    await configMap('unknown-kind', { ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: randomUUID() }] });
    await gone('configmaps', 'dangling');
    await gone('configmaps', 'wrong-uid');
    expect(await find('configmaps', 'reincarnated')).toBeDefined();
    await waitFor('a warning about the unknown owner kind', async () => (await c.resource('events').list({ namespace: NS })).items
      .some((e) => e.reason === 'OwnerRefUnknownKind' && e.type === 'Warning' && (e.involvedObject as { name: string }).name === 'unknown-kind'));
    expect(await find('configmaps', 'unknown-kind')).toBeDefined();
  });

  it('rejects invalid ownerReferences and contradictory DeleteOptions with field errors', async () => {
    const a = await configMap('v-a');
    const b = await configMap('v-b');
    await expect(configMap('v-two-controllers', { ownerReferences: [{ ...refTo(a), controller: true }, { ...refTo(b), controller: true }] }))
      .rejects.toMatchObject({ code: 422, message: expect.stringContaining('Only one reference can have Controller set to true') });
    await expect(configMap('v-no-uid', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'v-a', uid: '' }] }))
      .rejects.toMatchObject({ code: 422, message: expect.stringContaining('metadata.ownerReferences[0].uid: Invalid value: "": uid must not be empty') });
    await expect(deleteWith('v-a', { propagationPolicy: 'Orphan', orphanDependents: true }))
      .rejects.toMatchObject({ code: 422, message: expect.stringContaining('OrphanDependents and DeletionPropagation cannot be both set') });
    await expect(c.transport.json('DELETE', `${configMaps().path(NS, 'v-a')}?propagationPolicy=Later`))
      .rejects.toMatchObject({ code: 422, message: expect.stringContaining('propagationPolicy: Unsupported value: "Later"') });
  });

  describe('kubectl delete --cascade', () => {
    const kubectl = async (...args: string[]): Promise<string> =>
      (await run('kubectl', ['--kubeconfig', cluster.kubeconfig, '-n', NS, ...args], { timeout: 30_000 })).stdout;

    it('foreground waits for blocking dependents; orphan keeps them; background collects them', async () => {
      const fg = await configMap('k-fg');
      await configMap('k-fg-dep', { ownerReferences: [refTo(fg, true)] });
      expect(await kubectl('delete', 'configmap', 'k-fg', '--cascade=foreground')).toContain('configmap "k-fg" deleted');
      // kubectl waited for the owner to go, which the dependent blocked: it is gone already.
      expect(await find('configmaps', 'k-fg-dep')).toBeUndefined();

      const or = await configMap('k-or');
      await configMap('k-or-dep', { ownerReferences: [refTo(or, true)] });
      expect(await kubectl('delete', 'configmap', 'k-or', '--cascade=orphan')).toContain('configmap "k-or" deleted');
      await gone('configmaps', 'k-or');
      expect((await find('configmaps', 'k-or-dep'))!.metadata.ownerReferences).toBeUndefined();

      const bg = await configMap('k-bg');
      await configMap('k-bg-dep', { ownerReferences: [refTo(bg)] });
      expect(await kubectl('delete', 'configmap', 'k-bg', '--cascade=background')).toContain('configmap "k-bg" deleted');
      await gone('configmaps', 'k-bg-dep');
    }, 60_000);
  });

  describe('cairn delete --cascade', () => {
    const cairn = (...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> =>
      run('node', [CAIRN, '--kubeconfig', cluster.kubeconfig, '-n', NS, ...args], { timeout: 30_000 })
        .then(({ stdout, stderr }) => ({ stdout, stderr, code: 0 }), (err: { stdout: string; stderr: string; code: number }) => err);

    it('orphan keeps the dependents without the reference; an unknown mode is refused before anything is deleted', async () => {
      const owner = await configMap('c-or');
      await configMap('c-or-dep', { ownerReferences: [refTo(owner, true)] });
      const bad = await cairn('delete', 'configmap', 'c-or', '--cascade=later');
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('invalid --cascade "later": use background, foreground or orphan');
      expect(await find('configmaps', 'c-or')).toBeDefined();
      expect((await cairn('delete', 'configmap', 'c-or', '--cascade=orphan')).stdout).toContain('configmap "c-or" deleted');
      await gone('configmaps', 'c-or');
      expect((await find('configmaps', 'c-or-dep'))!.metadata.ownerReferences).toBeUndefined();
    }, 60_000);
  });
});
