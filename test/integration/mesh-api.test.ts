import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApiError } from '../../api/errors.js';
import type { ApiObject } from '../../api/meta.js';
import type { DestinationPolicy, MeshAuthorization, TrafficRoute } from '../../api/types/mesh.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';

const run = promisify(execFile);
const NS = `mesh${process.pid}-ns`;
const API_VERSION = 'mesh.cairn.dev/v1alpha1';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
}, 60_000);
afterAll(async () => { await cluster?.stop(); });

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', cluster.kubeconfig, '-n', NS, ...args], { timeout: 30_000 });
  return stdout;
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(err)}`);
  return err;
}

const route = (name: string, rules: TrafficRoute['spec']['rules']): TrafficRoute =>
  ({ apiVersion: API_VERSION, kind: 'TrafficRoute', metadata: { name, namespace: NS }, spec: { service: 'reviews', rules } });

/** create, get, list, then update with `change`; returns the updated object. */
async function roundTrip<T extends ApiObject>(plural: string, obj: T, change: (o: T) => void): Promise<T> {
  const client = cluster.client.resource<T>(plural);
  const created = await client.create(obj);
  expect(created.metadata.generation).toBe(1);
  const got = await client.get(obj.metadata.name!, NS);
  expect(got.spec).toEqual(created.spec);
  expect((await client.list({ namespace: NS })).items.map((o) => o.metadata.name)).toContain(obj.metadata.name);
  change(got);
  const updated = await client.update(got);
  expect(updated.metadata.generation).toBe(2);
  expect(await client.get(obj.metadata.name!, NS)).toEqual(updated);
  return updated;
}

describe('mesh.cairn.dev/v1alpha1 through the registry', () => {
  it('TrafficRoute: create (defaulting a lone weight), get, list, update, status subresource', async () => {
    const updated = await roundTrip('trafficroutes', route('reviews', [{ backends: [{ service: 'reviews' }] }]), (tr) => {
      expect(tr.spec.rules[0]!.backends[0]!.weight).toBe(100);
      tr.spec.rules[0]!.backends = [{ service: 'reviews', weight: 80 }, { service: 'reviews-v2', weight: 20 }];
      tr.spec.rules[0]!.timeout = '1.5s';
    });
    expect(updated.spec.rules[0]!.backends.map((b) => b.weight)).toEqual([80, 20]);

    const routes = cluster.client.resource<TrafficRoute>('tr');
    const status = { conditions: [{ type: 'Accepted' as const, status: 'True' as const, reason: 'Valid', message: '', lastTransitionTime: new Date().toISOString(), observedGeneration: 2 }] };
    const withStatus = await routes.updateStatus({ ...updated, status });
    expect(withStatus.status).toEqual(status);
    // A main-resource update cannot change status: it belongs to the mesh controller.
    const again = await routes.update({ ...withStatus, status: { rejectedBy: [{ node: 'n1', message: 'x' }] } });
    expect(again.status).toEqual(status);
  });

  it('DestinationPolicy: create, get, list, update', async () => {
    const dp: DestinationPolicy = { apiVersion: API_VERSION, kind: 'DestinationPolicy', metadata: { name: 'reviews', namespace: NS },
      spec: { service: 'reviews', loadBalancer: { policy: 'RoundRobin' }, connectionPool: { maxConnections: 100 } } };
    const updated = await roundTrip('destinationpolicies', dp, (d) => { d.spec.loadBalancer = { policy: 'RingHash', hashOn: { header: 'x-user' } }; });
    expect(updated.spec.loadBalancer).toEqual({ policy: 'RingHash', hashOn: { header: 'x-user' } });
  });

  it('MeshAuthorization: create, get, list, update', async () => {
    const ma: MeshAuthorization = { apiVersion: API_VERSION, kind: 'MeshAuthorization', metadata: { name: 'api', namespace: NS },
      spec: { destination: { service: 'api' }, action: 'Allow', sources: [{ serviceAccount: 'frontend' }] } };
    const updated = await roundTrip('meshauthorizations', ma, (m) => { m.spec.rules = [{ paths: ['/api/*'], methods: ['GET'] }]; });
    expect(updated.spec.rules).toEqual([{ paths: ['/api/*'], methods: ['GET'] }]);
  });

  it('refuses weights that do not sum to 100 with a 422 naming the field', async () => {
    const bad = route('split', [{ backends: [{ service: 'a', weight: 70 }, { service: 'b', weight: 20 }] }]);
    const err = await rejection(cluster.client.resource<TrafficRoute>('trafficroutes').create(bad));
    expect(err.code).toBe(422);
    expect(err.reason).toBe('Invalid');
    expect(err.message).toMatch(/TrafficRoute "split" is invalid: spec\.rules\[0\]\.backends: .*must sum to 100 \(they sum to 90\)/);
    expect(err.causes.map((c) => c.field)).toEqual(['spec.rules[0].backends']);
  });

  it('kubectl get trafficroutes / tr / dp / ma print the mesh columns', async () => {
    const out = await kubectl('get', 'trafficroutes');
    expect(out.split('\n')[0]).toMatch(/^NAME\s+SERVICE\s+RULES\s+AGE$/);
    expect(out).toMatch(/^reviews\s+reviews\s+1\s+\d+s$/m);
    expect(await kubectl('get', 'tr')).toBe(out);
    expect(await kubectl('get', 'tr', 'reviews', '-o', 'jsonpath={.spec.rules[0].timeout}')).toBe('1.5s');
    expect(await kubectl('get', 'dp')).toMatch(/^reviews\s+reviews\s+RingHash\s+\d+s$/m);
    expect(await kubectl('get', 'ma')).toMatch(/^api\s+api\s+Allow\s+\d+s$/m);
  });
});
