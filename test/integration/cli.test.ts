import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

const run = promisify(execFile);
const CAIRN = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url));
let cluster: TestCluster;
beforeAll(async () => { cluster = await startTestCluster(); });
afterAll(async () => { await cluster?.stop(); });

async function cairn(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('node', [CAIRN, '--kubeconfig', cluster.kubeconfig, ...args], { timeout: 30_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const app = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: shop, labels: { app: shop } }
spec:
  replicas: 3
  selector: { matchLabels: { app: shop } }
  template:
    metadata: { labels: { app: shop } }
    spec:
      containers: [{ name: shop, image: "busybox:1.36", command: [sleep, "3600"] }]
---
apiVersion: v1
kind: Service
metadata: { name: shop }
spec:
  selector: { app: shop }
  ports: [{ port: 80, targetPort: 8080, name: http }]
---
apiVersion: v1
kind: Pod
metadata: { name: shop-debug, labels: { app: shop, role: debug } }
spec:
  containers: [{ name: c, image: busybox }]
`;

describe('cairn CLI', () => {
  it('apply -f creates then reports unchanged; get prints kubectl-style tables', async () => {
    const file = join(cluster.dir, 'shop.yaml');
    await writeFile(file, app);
    const first = await cairn('apply', '-f', file);
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual(['deployment.apps/shop created', 'service/shop created', 'pod/shop-debug created']);
    expect((await cairn('apply', '-f', file)).stdout).toContain('deployment.apps/shop unchanged');

    const table = (await cairn('get', 'deployments')).stdout;
    expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(table).toMatch(/^shop\s+0\/3\s+0\s+0\s+\d+s$/m);

    const wide = (await cairn('get', 'pods', '-o', 'wide', '-l', 'role=debug')).stdout;
    expect(wide.split('\n')[0]).toMatch(/NODE\s+NOMINATED NODE/);
    expect(wide).toMatch(/^shop-debug\s+0\/1\s+Pending/m);

    const json = JSON.parse((await cairn('get', 'svc', 'shop', '-o', 'json')).stdout) as { spec: { ports: { port: number }[] } };
    expect(json.spec.ports[0]!.port).toBe(80);
    expect((await cairn('get', 'deploy', 'shop', '-o', 'yaml')).stdout).toMatch(/^kind: Deployment$/m);
  });

  it('apply from stdin and a folder', async () => {
    const child = spawn('node', [CAIRN, '--kubeconfig', cluster.kubeconfig, 'apply', '-f', '-']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stdin.end('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: from-stdin }\ndata: { a: "1" }\n');
    await new Promise((r) => child.on('exit', r));
    expect(out.trim()).toBe('configmap/from-stdin created');
  });

  it('describe shows the object and its events', async () => {
    await cluster.client.resource('events').create({
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'shop.1', namespace: 'default' },
      involvedObject: { kind: 'Deployment', name: 'shop', namespace: 'default' }, reason: 'ScalingReplicaSet', message: 'Scaled up replica set shop-abc to 3', type: 'Normal',
      source: { component: 'deployment-controller' }, count: 1, firstTimestamp: new Date().toISOString(), lastTimestamp: new Date().toISOString(),
    });
    const { stdout, code } = await cairn('describe', 'deployment', 'shop');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Name:\s+shop$/m);
    expect(stdout).toMatch(/^Replicas:\s+3 desired/m);
    expect(stdout).toContain('Scaled up replica set shop-abc to 3');
  });

  it('get -w prints changes as they happen', async () => {
    const child = spawn('node', [CAIRN, '--kubeconfig', cluster.kubeconfig, 'get', 'configmaps', '-w']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await waitFor('the initial table', () => out.includes('from-stdin'), 15_000);
      await cluster.client.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watch-me', namespace: 'default' } });
      await waitFor('the new row', () => out.includes('watch-me'), 15_000);
    } finally {
      child.kill();
    }
  });

  it('errors exit non-zero with a one-line reason', async () => {
    const missing = await cairn('get', 'deployment', 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');
    const badType = await cairn('get', 'widgets');
    expect(badType.code).not.toBe(0);
    expect(badType.stderr.trim()).toBe('error: the server doesn\'t have a resource type "widgets"');
    const badFile = join(cluster.dir, 'bad.yaml');
    await writeFile(badFile, 'apiVersion: v1\nkind: Pod\nmetadata: { name: BAD }\nspec: { containers: [] }\n');
    const invalid = await cairn('apply', '-f', badFile);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('metadata.name');
  });

  it('delete -f removes what the manifest names', async () => {
    const file = join(cluster.dir, 'shop.yaml');
    const { stdout } = await cairn('delete', '-f', file);
    expect(stdout.trim().split('\n')).toEqual(['deployment.apps "shop" deleted', 'service "shop" deleted', 'pod "shop-debug" deleted']);
    expect((await cairn('get', 'deployments')).stderr).toContain('No resources found in default namespace.');
  });
});
