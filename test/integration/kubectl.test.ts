import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

const run = promisify(execFile);
let cluster: TestCluster;
beforeAll(async () => { cluster = await startTestCluster(); });
afterAll(async () => { await cluster?.stop(); });

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', cluster.kubeconfig, ...args], { timeout: 30_000 });
  return stdout;
}

const manifest = (image: string): string => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: ${image}
          env: [{ name: MODE, value: demo }]
          ports: [{ containerPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;

describe('the real kubectl against the registry', () => {
  it('get namespaces via discovery and server-side tables', async () => {
    const out = await kubectl('get', 'namespaces');
    expect(out.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    expect(out).toMatch(/^default\s+Active\s+\d+s$/m);
    expect(out).toMatch(/^kube-system\s+Active/m);
  });

  it('create -f, apply twice, get -o json, label, scale, delete', async () => {
    const file = join(cluster.dir, 'web.yaml');
    await writeFile(file, manifest('busybox:1.36'));
    expect(await kubectl('create', '-f', file)).toContain('deployment.apps/web created');

    await writeFile(file, manifest('busybox:1.37'));
    expect(await kubectl('apply', '-f', file)).toContain('deployment.apps/web configured');
    expect(await kubectl('apply', '-f', file)).toContain('deployment.apps/web unchanged');

    const deployment = JSON.parse(await kubectl('get', 'deployment', 'web', '-o', 'json')) as { spec: { template: { spec: { containers: { image: string; env: unknown[] }[] } } } };
    expect(deployment.spec.template.spec.containers[0]!.image).toBe('busybox:1.37');
    expect(deployment.spec.template.spec.containers[0]!.env).toEqual([{ name: 'MODE', value: 'demo' }]);

    await kubectl('label', 'deployment', 'web', 'tier=frontend');
    expect(await kubectl('get', 'deployments', '-l', 'tier=frontend', '-o', 'name')).toBe('deployment.apps/web\n');

    await kubectl('scale', 'deployment', 'web', '--replicas=4');
    expect(JSON.parse(await kubectl('get', 'deploy', 'web', '-o', 'json')).spec.replicas).toBe(4);

    const svcTable = await kubectl('get', 'svc', 'web');
    expect(svcTable).toMatch(/^web\s+ClusterIP\s+/m);

    expect(await kubectl('delete', '-f', file)).toContain('deployment.apps "web" deleted');
    await expect(kubectl('get', 'deployment', 'web')).rejects.toMatchObject({ stderr: expect.stringContaining('NotFound') });
  });

  it('get -w sees an event', async () => {
    const child = spawn('kubectl', ['--kubeconfig', cluster.kubeconfig, 'get', 'configmaps', '-w', '--output-watch-events']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      await cluster.client.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched-by-kubectl', namespace: 'default' } });
      await waitFor('kubectl prints the event', () => out.includes('watched-by-kubectl'), 15_000);
      expect(out).toMatch(/^ADDED\s+watched-by-kubectl\s+0\s+\d+s$/m);
    } finally {
      child.kill();
    }
  });
});
