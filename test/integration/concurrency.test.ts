import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApiObject } from '../../api/meta.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';

let cluster: TestCluster;
beforeAll(async () => { cluster = await startTestCluster(); });
afterAll(async () => { await cluster?.stop(); });

describe('optimistic concurrency', () => {
  it('two clients update from the same resourceVersion: one wins, the other gets 409 Conflict', async () => {
    const a = cluster.newClient().resource('configmaps');
    const b = cluster.newClient().resource('configmaps');
    const base = await a.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'race', namespace: 'default' }, data: { v: '0' } } as ApiObject);
    const results = await Promise.allSettled([
      a.update({ ...base, data: { v: 'a' } }),
      b.update({ ...base, data: { v: 'b' } }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toMatchObject({ code: 409, reason: 'Conflict' });
    expect((lost[0]!.reason as Error).message).toContain('the object has been modified');
    const winner = (won[0] as PromiseFulfilledResult<ApiObject>).value;
    expect((await a.get('race', 'default')).data).toEqual(winner.data);
  });

  it('patches without a resourceVersion from many clients all land (server-side retry on conflict)', async () => {
    const cms = cluster.client.resource('configmaps');
    await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counter', namespace: 'default' }, data: {} } as ApiObject);
    const writers = Array.from({ length: 10 }, (_, i) => cluster.newClient().resource('configmaps')
      .patch('counter', { data: { [`k${i}`]: String(i) } }, 'application/merge-patch+json', 'default'));
    await Promise.all(writers);
    expect(Object.keys((await cms.get('counter', 'default')).data as object)).toHaveLength(10);
  });

  it('a stale resourceVersion in a patch is a conflict', async () => {
    const cms = cluster.client.resource('configmaps');
    const v1 = await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pinned', namespace: 'default' }, data: { a: '1' } } as ApiObject);
    await cms.patch('pinned', { data: { a: '2' } }, 'application/merge-patch+json', 'default');
    await expect(cms.patch('pinned', { metadata: { resourceVersion: v1.metadata.resourceVersion }, data: { a: '3' } }, 'application/merge-patch+json', 'default'))
      .rejects.toMatchObject({ code: 409 });
  });

  it('creating the same name twice: 409 AlreadyExists', async () => {
    const cms = cluster.client.resource('configmaps');
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'twice', namespace: 'default' } } as ApiObject;
    await cms.create(obj);
    await expect(cms.create(obj)).rejects.toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'configmaps "twice" already exists' });
  });
});
