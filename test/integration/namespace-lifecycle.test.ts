import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resourceTypes } from '../../api/catalog.js';
import type { ApiObject } from '../../api/meta.js';
import { NamespaceController } from '../../control/controllers/namespace/namespace-controller.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

let cluster: TestCluster;
let controller: NamespaceController;
beforeAll(async () => {
  cluster = await startTestCluster();
  controller = new NamespaceController(cluster.newClient(), resourceTypes.filter((t) => t.namespaced));
  await controller.start();
});
afterAll(async () => {
  await controller?.stop();
  await cluster?.stop();
});

describe('namespace lifecycle', () => {
  it('deleting a namespace deletes its contents, then the namespace; new content is refused meanwhile', async () => {
    const c = cluster.client;
    await c.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    await c.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'doomed' } });
    await c.resource('secrets').create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b', namespace: 'doomed' } } as ApiObject);
    await c.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'doomed', finalizers: ['example.com/hold'] } });

    await c.resource('namespaces').delete('doomed');
    await waitFor('plain contents deleted', async () => (await c.resource('secrets').list({ namespace: 'doomed' })).items.length === 0);
    expect(((await c.resource('namespaces').get('doomed')).status as { phase: string }).phase).toBe('Terminating');
    await expect(c.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'doomed' } }))
      .rejects.toMatchObject({ code: 403, message: expect.stringContaining('being terminated') });

    // The namespace waits for the object held by a finalizer, then goes.
    await c.resource('configmaps').patch('held', { metadata: { finalizers: null } }, 'application/merge-patch+json', 'doomed');
    await waitFor('namespace removed', async () => {
      try { await c.resource('namespaces').get('doomed'); return false; } catch (err) { return (err as { code?: number }).code === 404; }
    }, 15_000);
  });

  it('a namespace update cannot drop its finalizer except through finalize', async () => {
    const ns = await cluster.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'keep-finalizer' } });
    const updated = await cluster.client.resource('namespaces').update({ ...ns, spec: { finalizers: [] } });
    expect((updated.spec as { finalizers: string[] }).finalizers).toEqual(['kubernetes']);
  });
});
