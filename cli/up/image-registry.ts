/**
 * A local OCI image registry: Debian's `docker-registry` (distribution 2.8) as a child process on a loopback
 * address, its blobs under `dir`. `cairn up` runs one for the example app (and for images a user pushes);
 * the tests run one per run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface ImageRegistryOptions {
  /** Config, log and blobs live here. */
  dir: string;
  /** `127.0.0.1:PORT`: where it listens, and the registry part of image references. */
  host: string;
  /** The registry's `auth` config section (htpasswd or token); anonymous when absent. */
  auth?: Record<string, unknown>;
}

export interface ImageRegistry {
  host: string;
  stop(): Promise<void>;
}

/** Fails fast, naming the address, when something else already listens there (its answers would look like ours). */
async function checkAddressFree(host: string): Promise<void> {
  const { hostname, port } = new URL(`http://${host}`);
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'EADDRINUSE'
      ? `cannot start the image registry: ${host} is already in use (pick another with --image-registry HOST:PORT, or --no-image-registry)`
      : `cannot start the image registry on ${host}: ${err.message}`)));
    probe.listen(Number(port), hostname, () => probe.close(() => resolve()));
  });
}

async function waitUntilServing(host: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const status = await fetch(`http://${host}/v2/`).then((r) => r.status, () => 0);
    // Answered, and still ours: a registry that lost the port race exits on its bind error.
    if ((status === 200 || status === 401) && (await readFile(log, 'utf8').catch(() => '')).includes('listening on')) return;
    await sleep(50);
  }
  const output = await readFile(log, 'utf8').catch(() => '');
  throw new Error(`docker-registry did not start on ${host}: ${output.split('\n').slice(-10).join('\n')}`);
}

/** Starts the registry and resolves once it answers `/v2/`; rejects with the end of its log if it cannot. */
export async function startImageRegistry(opts: ImageRegistryOptions): Promise<ImageRegistry> {
  await mkdir(opts.dir, { recursive: true });
  await checkAddressFree(opts.host);
  const config = {
    version: 0.1,
    log: { level: 'info', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(opts.dir, 'data') }, delete: { enabled: true } },
    http: { addr: opts.host },
    auth: opts.auth,
  };
  const configPath = join(opts.dir, 'config.yml');
  await writeFile(configPath, stringify(config));
  const log = join(opts.dir, 'registry.log');
  const logFd = openSync(log, 'a');
  const child = spawn(REGISTRY_BINARY, ['serve', configPath], { cwd: opts.dir, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  try {
    await waitUntilServing(opts.host, child, log);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    host: opts.host,
    async stop(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
