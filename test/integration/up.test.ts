import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TEST_PREFIX } from '../harness/cluster.js';
import { freePort } from '../harness/ports.js';
import { waitFor } from '../harness/wait.js';

const run = promisify(execFile);
const CAIRN = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function startUp(dataDir: string, port: number, etcdPort: number): { child: ChildProcess; output: () => string } {
  const child = spawn('node', [CAIRN, 'up', '--data-dir', dataDir, '--port', String(port), '--etcd-port', String(etcdPort)]);
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
  it('starts a cluster kubectl can use, with the example app; Ctrl-C stops it cleanly and a restart keeps every object', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), TEST_PREFIX));
    dirs.push(dataDir);
    const port = await freePort();
    const etcdPort = await freePort();
    const kubeconfig = join(dataDir, 'kubeconfig');
    const kubectl = async (...args: string[]): Promise<string> => (await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 20_000 })).stdout;

    const first = startUp(dataDir, port, etcdPort);
    await waitFor('cairn up to be ready', () => first.output().includes('Cairn is running'), 30_000);
    expect(existsSync(kubeconfig)).toBe(true);
    expect(await kubectl('get', 'namespaces')).toMatch(/^default\s+Active/m);
    expect(await kubectl('get', 'deployments', '-o', 'name')).toBe('deployment.apps/web\n');
    const manifest = join(dataDir, 'kept.yaml');
    await writeFile(manifest, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kept\n');
    await kubectl('create', '-f', manifest);
    expect(await stopWithCtrlC(first.child)).toBe(0);
    expect(first.output()).toContain('shutting down');

    const second = startUp(dataDir, port, etcdPort);
    await waitFor('cairn up to be ready again', () => second.output().includes('Cairn is running'), 30_000);
    expect(second.output()).not.toContain('applying the example app');
    expect(await kubectl('get', 'namespace', 'kept', '-o', 'name')).toBe('namespace/kept\n');
    expect(await kubectl('get', 'deployments', '-o', 'name')).toBe('deployment.apps/web\n');
    expect(await stopWithCtrlC(second.child)).toBe(0);
  }, 90_000);
});
