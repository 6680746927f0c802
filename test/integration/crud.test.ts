import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resourceForKind } from '../../api/catalog.js';
import type { ApiObject } from '../../api/meta.js';
import { ApiError } from '../../api/errors.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { samples } from '../harness/samples.js';

let cluster: TestCluster;
beforeAll(async () => { cluster = await startTestCluster(); });
afterAll(async () => { await cluster?.stop(); });

describe('CRUD for every kind, against real etcd', () => {
  const kinds = Object.keys(samples('x', 'default'));
  it.each(kinds)('%s: create, get, list, update, patch, delete', async (kind) => {
    const sample = samples(`crud-${kind.toLowerCase()}`, 'default')[kind]!;
    const type = resourceForKind(sample.object.apiVersion, kind)!;
    const rc = cluster.client.resource(type);
    const ns = type.namespaced ? 'default' : undefined;

    const created = await rc.create(sample.object);
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata.creationTimestamp).toMatch(/Z$/);

    const got = await rc.get(created.metadata.name!, ns);
    expect(got.metadata.uid).toBe(created.metadata.uid);
    expect(got.metadata.resourceVersion).toBe(created.metadata.resourceVersion);

    const listed = await rc.list({ namespace: ns });
    expect(listed.items.map((o) => o.metadata.name)).toContain(created.metadata.name);
    expect(Number(listed.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(created.metadata.resourceVersion));

    const toUpdate = structuredClone(got);
    sample.change(toUpdate);
    const updated = await rc.update(toUpdate);
    expect(sample.changed(updated)).toBe(true);
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(got.metadata.resourceVersion));
    expect(sample.changed(await rc.get(created.metadata.name!, ns))).toBe(true);

    const patched = await rc.patch(created.metadata.name!, { metadata: { annotations: { note: 'patched' } } }, 'application/merge-patch+json', ns);
    expect(patched.metadata.annotations?.note).toBe('patched');

    await rc.delete(created.metadata.name!, ns);
    if (kind === 'Namespace') {
      // Namespaces are finalized by the namespace controller; the registry marks them Terminating.
      const ns2 = await rc.get(created.metadata.name!);
      expect((ns2.status as { phase: string }).phase).toBe('Terminating');
      return;
    }
    await expect(rc.get(created.metadata.name!, ns)).rejects.toMatchObject({ code: 404, reason: 'NotFound' });
  });

  it('stores Secret stringData as base64 data and never echoes stringData', async () => {
    const secret = await cluster.client.resource('secrets').create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'crud-stringdata', namespace: 'default' }, stringData: { user: 'admin' } } as ApiObject);
    expect(secret.data).toEqual({ user: Buffer.from('admin').toString('base64') });
    expect(secret.stringData).toBeUndefined();
  });

  it('bumps generation on spec changes only, and keeps status on main-resource updates', async () => {
    const deployments = cluster.client.resource('deployments');
    const d = await deployments.create(samples('gen', 'default').Deployment!.object);
    expect(d.metadata.generation).toBe(1);
    const labelled = await deployments.patch('gen', { metadata: { labels: { x: 'y' } } }, 'application/merge-patch+json', 'default');
    expect(labelled.metadata.generation).toBe(1);
    const withStatus = await deployments.updateStatus({ ...labelled, status: { replicas: 2, readyReplicas: 1 } });
    expect(withStatus.status).toMatchObject({ replicas: 2, readyReplicas: 1 });
    const scaled = await deployments.patch('gen', { spec: { replicas: 4 }, status: { replicas: 99 } }, 'application/merge-patch+json', 'default');
    expect(scaled.metadata.generation).toBe(2);
    expect((scaled.status as { replicas: number }).replicas).toBe(2);
  });

  it('serves the scale subresource as kubectl scale uses it', async () => {
    const rs = cluster.client.resource('replicasets');
    await rs.create(samples('scaled', 'default').ReplicaSet!.object);
    const scale = await cluster.client.transport.json<{ spec: { replicas: number }; status: { selector: string } }>('GET', rs.path('default', 'scaled', 'scale'));
    expect(scale.spec.replicas).toBe(2);
    expect(scale.status.selector).toBe('app=scaled');
    await cluster.client.transport.json('PATCH', rs.path('default', 'scaled', 'scale'), { spec: { replicas: 7 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(((await rs.get('scaled', 'default')).spec as { replicas: number }).replicas).toBe(7);
  });

  it('binds a pod to a node once through the binding subresource', async () => {
    const pods = cluster.client.resource('pods');
    await pods.create(samples('bound', 'default').Pod!.object);
    await pods.createSubresource('bound', 'default', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: 'node-a' } });
    expect(((await pods.get('bound', 'default')).spec as { nodeName: string }).nodeName).toBe('node-a');
    await expect(pods.createSubresource('bound', 'default', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { name: 'node-b' } }))
      .rejects.toMatchObject({ code: 409 });
  });

  it('deletes a pod on a node gracefully: it stays, Terminating, until deleted with grace 0', async () => {
    const pods = cluster.client.resource('pods');
    await pods.create({ ...samples('graceful', 'default').Pod!.object, spec: { ...(samples('graceful', 'default').Pod!.object.spec as object), nodeName: 'node-a' } });
    const marked = await pods.delete('graceful', 'default');
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    expect((await pods.get('graceful', 'default')).metadata.deletionTimestamp).toBeDefined();
    await pods.delete('graceful', 'default', { gracePeriodSeconds: 0 });
    await expect(pods.get('graceful', 'default')).rejects.toMatchObject({ code: 404 });
  });

  it('keeps an object with finalizers until the last finalizer is removed', async () => {
    const cms = cluster.client.resource('configmaps');
    await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] }, data: {} } as ApiObject);
    await cms.delete('held', 'default');
    const held = await cms.get('held', 'default');
    expect(held.metadata.deletionTimestamp).toBeDefined();
    await cms.patch('held', { metadata: { finalizers: null } }, 'application/merge-patch+json', 'default');
    await expect(cms.get('held', 'default')).rejects.toBeInstanceOf(ApiError);
  });

  it('creates names from generateName', async () => {
    const cm = await cluster.client.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-', namespace: 'default' } } as ApiObject);
    expect(cm.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });
});
