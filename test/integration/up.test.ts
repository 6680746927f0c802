import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { removeNodePods } from '../../agent/node/remove-node-pods.js';
import { startImageRegistry } from '../../cli/up/image-registry.js';
import { CGROUP_ROOT } from '../../agent/runtime/runc/cgroups.js';
import type { Pod } from '../../api/types/core.js';
import { TEST_PREFIX } from '../harness/cluster.js';
import { freePort } from '../harness/ports.js';
import { waitFor } from '../harness/wait.js';
import { createNetns, deleteNetns, inNetns, testNetnsName } from '../lab/netns.js';

const run = promisify(execFile);
const CAIRN = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];
// The node's pod network lives in a namespace of this run, never in the machine's own.
const NODE_NETNS = testNetnsName('up');
const NODE_IP = '172.31.254.1';
const NODE_PREFIX = `${TEST_PREFIX}up`;
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) {
    await removeNodePods({ dataDir: join(d, 'node'), cgroupParent: `/${NODE_PREFIX}`, netnsPrefix: `${NODE_PREFIX}-` }).catch(() => 0);
    await rm(d, { recursive: true, force: true }).catch(() => undefined);
  }
  await rmdir(join(CGROUP_ROOT, NODE_PREFIX)).catch(() => undefined);
  await deleteNetns(NODE_NETNS);
}, 60_000);

function startUp(dataDir: string, ports: { api: number; etcd: number; images: number }): { child: ChildProcess; output: () => string } {
  const child = spawn('node', [CAIRN, 'up', '--data-dir', dataDir, '--port', String(ports.api), '--etcd-port', String(ports.etcd),
    '--image-registry', `127.0.0.1:${ports.images}`, '--node-name', `${NODE_PREFIX}-node`, '--node-netns', NODE_NETNS, '--node-ip', NODE_IP,
    '--cgroup-parent', `/${NODE_PREFIX}`, '--netns-prefix', `${NODE_PREFIX}-`]);
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  return { child, output: () => out };
}

async function stopWithCtrlC(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

describe('cairn up', () => {
  it('starts a cluster kubectl can use whose example app serves through its Service; Ctrl-C stops it cleanly and a restart keeps every object', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), TEST_PREFIX));
    dirs.push(dataDir);
    await createNetns(NODE_NETNS);
    // The node's uplink: an address and a default route, as a real machine has (a veth pair with no peer namespace).
    await inNetns(NODE_NETNS, 'ip', ['link', 'add', 'node0', 'type', 'veth', 'peer', 'name', 'node0-peer']);
    await inNetns(NODE_NETNS, 'ip', ['addr', 'add', `${NODE_IP}/24`, 'dev', 'node0']);
    for (const dev of ['node0', 'node0-peer']) await inNetns(NODE_NETNS, 'ip', ['link', 'set', dev, 'up']);
    await inNetns(NODE_NETNS, 'ip', ['route', 'add', 'default', 'dev', 'node0']);
    const ports = { api: await freePort(), etcd: await freePort(), images: await freePort() };
    const kubeconfig = join(dataDir, 'kubeconfig');
    const kubectl = async (...args: string[]): Promise<string> => (await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 20_000 })).stdout;
    const readyWebPods = async (): Promise<Pod[]> => {
      const pods = (JSON.parse(await kubectl('get', 'pods', '-l', 'app=web', '-o', 'json')) as { items: Pod[] }).items;
      return pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    };
    // One request through the Service's cluster IP from the node's network, answered by a pod.
    const throughService = async (vip: string): Promise<string> =>
      inNetns(NODE_NETNS, 'busybox', ['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 2 ${vip} 80`]).catch((err: Error) => err.message);

    const first = startUp(dataDir, ports);
    await waitFor('cairn up to be ready', () => first.output().includes('Cairn is running'), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; output:\n${first.output()}`);
    });
    expect(existsSync(kubeconfig)).toBe(true);
    expect(await kubectl('get', 'namespaces')).toMatch(/^default\s+Active/m);
    expect(await kubectl('get', 'nodes', '-o', 'name')).toBe(`node/${NODE_PREFIX}-node\n`);
    expect(await kubectl('get', 'deployments', '-o', 'name')).toBe('deployment.apps/web\n');
    await waitFor('both example pods Ready', async () => (await readyWebPods()).length === 2, 90_000);
    const vip = (await kubectl('get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
    const names = (await readyWebPods()).map((p) => p.metadata.name);
    expect(await throughService(vip)).toMatch(new RegExp(`hello from (${names.join('|')})`));
    const manifest = join(dataDir, 'kept.yaml');
    await writeFile(manifest, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kept\n');
    await kubectl('create', '-f', manifest);
    expect(await stopWithCtrlC(first.child)).toBe(0);
    expect(first.output()).toContain('shutting down');
    expect(first.output()).toContain('stopped 2 containers on the node');

    const second = startUp(dataDir, ports);
    await waitFor('cairn up to be ready again', () => second.output().includes('Cairn is running'), 60_000);
    expect(second.output()).not.toContain('applying the example app');
    expect(await kubectl('get', 'namespace', 'kept', '-o', 'name')).toBe('namespace/kept\n');
    expect(await kubectl('get', 'deployments', '-o', 'name')).toBe('deployment.apps/web\n');
    await waitFor('the example pods Ready again', async () => (await readyWebPods()).length === 2, 90_000);
    await waitFor('the Service answering again', async () => /hello from/.test(await throughService(vip)), 30_000);
    expect(await stopWithCtrlC(second.child)).toBe(0);
  }, 300_000);

  it('refuses a local image registry address something else listens on, naming it and the flag to change it', async () => {
    const port = await freePort();
    const squatter = createServer((_req, res) => res.writeHead(200).end()).listen(port, '127.0.0.1');
    await once(squatter, 'listening');
    const dir = await mkdtemp(join(tmpdir(), TEST_PREFIX));
    dirs.push(dir);
    try {
      await expect(startImageRegistry({ dir, host: `127.0.0.1:${port}` })).rejects.toThrow(`127.0.0.1:${port} is already in use (pick another with --image-registry`);
    } finally {
      squatter.close();
    }
  });
});
