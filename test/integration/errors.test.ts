import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Status } from '../../api/meta.js';
import { Transport } from '../../control/client/transport.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';

let cluster: TestCluster;
beforeAll(async () => { cluster = await startTestCluster(); });
afterAll(async () => { await cluster?.stop(); });

async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}, token = true): Promise<{ status: number; json: Status }> {
  const transport = token ? cluster.client.transport : new Transport({ server: cluster.server, ca: cluster.pki.caCert });
  const res = await transport.send(method, path, body, headers);
  if (!token) transport.close();
  return { status: res.status, json: JSON.parse(res.body) as Status };
}

const pods = '/api/v1/namespaces/default/pods';

describe('observability', () => {
  it('serves Prometheus metrics by verb, resource and code, and health endpoints, without a token', async () => {
    await send('GET', `${pods}/does-not-exist`);
    const transport = new Transport({ server: cluster.server, ca: cluster.pki.caCert });
    const metrics = await transport.send('GET', '/metrics');
    const healthz = await transport.send('GET', '/healthz');
    const readyz = await transport.send('GET', '/readyz');
    transport.close();
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/apiserver_request_total\{verb="get",resource="pods",code="404"\} [1-9]/);
    expect(metrics.body).toMatch(/etcd_request_duration_seconds_bucket\{le="[^"]+",operation="create",result="success"\}/);
    expect(metrics.body).toMatch(/apiserver_storage_objects\{resource="namespaces"\} [1-9]/);
    expect([healthz.status, healthz.body, readyz.status]).toEqual([200, 'ok', 200]);
  });
});

describe('every 4xx path answers a Status naming the problem', () => {
  it('401 without a token', async () => {
    const { status, json } = await send('GET', pods, undefined, {}, false);
    expect(status).toBe(401);
    expect(json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('400 for a malformed percent-encoded path, even without a token, and the server keeps serving', async () => {
    const { status, json } = await send('GET', '/api/v1/namespaces/%ff/pods', undefined, {}, false);
    expect(status).toBe(400);
    expect(json.message).toContain('percent-encoding');
    expect((await send('GET', pods)).status).toBe(200);
  });

  it('400 for malformed JSON, and the server keeps serving', async () => {
    const { status, json } = await send('POST', pods, '{"apiVersion": "v1", "kind": ');
    expect(status).toBe(400);
    expect(json.reason).toBe('BadRequest');
    expect(json.message).toContain('not valid JSON');
    expect((await send('GET', pods)).status).toBe(200);
  });

  it('400 for a body that is not an object, or of the wrong kind', async () => {
    expect((await send('POST', pods, '[1,2]')).status).toBe(400);
    const wrongKind = await send('POST', pods, JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }));
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.json.message).toContain('Service');
  });

  it('404 for a missing object, a missing namespace and an unknown resource', async () => {
    const missing = await send('GET', `${pods}/nope`);
    expect(missing).toMatchObject({ status: 404, json: { reason: 'NotFound', message: 'pods "nope" not found', details: { name: 'nope', kind: 'pods' } } });
    const noNs = await send('POST', '/api/v1/namespaces/ghost/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }));
    expect(noNs).toMatchObject({ status: 404, json: { message: 'namespaces "ghost" not found' } });
    expect((await send('GET', '/api/v1/widgets')).status).toBe(404);
  });

  it('409 for a stale update', async () => {
    const created = await cluster.client.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stale', namespace: 'default' } });
    await cluster.client.resource('configmaps').patch('stale', { data: { a: 'b' } }, 'application/merge-patch+json', 'default');
    const { status, json } = await send('PUT', '/api/v1/namespaces/default/configmaps/stale', JSON.stringify(created));
    expect(status).toBe(409);
    expect(json.reason).toBe('Conflict');
  });

  it('413 for a body over 3 MiB', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    const { status, json } = await send('POST', '/api/v1/namespaces/default/configmaps', big);
    expect(status).toBe(413);
    expect(json.reason).toBe('RequestEntityTooLarge');
  });

  it('400 for a malformed watch timeout or limit', async () => {
    expect((await send('GET', `${pods}?watch=true&timeoutSeconds=soon`)).status).toBe(400);
    expect((await send('GET', `${pods}?limit=-1`)).status).toBe(400);
  });

  it('415 for an unsupported patch content type', async () => {
    await cluster.client.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p415', namespace: 'default' } });
    const { status } = await send('PATCH', '/api/v1/namespaces/default/configmaps/p415', '{}', { 'Content-Type': 'text/plain' });
    expect(status).toBe(415);
  });

  it('415 for a protobuf body, saying to send JSON', async () => {
    const { status, json } = await send('POST', '/api/v1/namespaces/default/configmaps', 'k8s\u0000', { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
    expect(status).toBe(415);
    expect(json.message).toContain('send JSON');
  });

  it('422 naming each invalid field path', async () => {
    const bad = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Bad_Name', namespace: 'default', labels: { 'bad key!': 'v' } },
      spec: { containers: [{ name: 'c', image: '', resources: { requests: { cpu: 'lots' } } }], restartPolicy: 'Sometimes' },
    };
    const { status, json } = await send('POST', pods, JSON.stringify(bad));
    expect(status).toBe(422);
    expect(json.reason).toBe('Invalid');
    const fields = json.details!.causes!.map((c) => c.field);
    expect(fields).toEqual(expect.arrayContaining(['metadata.name', 'spec.containers[0].image', 'spec.restartPolicy']));
    expect(fields.some((f) => f?.startsWith('metadata.labels'))).toBe(true);
    expect(fields.some((f) => f?.startsWith('spec.containers[0].resources.requests'))).toBe(true);
    expect(json.message).toMatch(/^Pod "Bad_Name" is invalid: /);
  });

  it('422 for a Deployment whose selector does not match its template', async () => {
    const { status, json } = await send('POST', '/apis/apps/v1/namespaces/default/deployments', JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mismatch' },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    }));
    expect(status).toBe(422);
    expect(json.details!.causes!.map((c) => c.field)).toContain('spec.template.metadata.labels');
  });

  it('422 for changing an immutable field', async () => {
    const deployments = cluster.client.resource('deployments');
    await deployments.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'immutable', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a', v: '1' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } });
    await expect(deployments.patch('immutable', { spec: { selector: { matchLabels: { app: 'a', v: '1' } } } }, 'application/merge-patch+json', 'default'))
      .rejects.toMatchObject({ code: 422 });
  });
});
