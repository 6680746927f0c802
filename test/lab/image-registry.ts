import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import bcrypt from 'bcryptjs';
import { stringify } from 'yaml';
import type { RegistryCredentials } from '../../agent/images/registry-auth.js';
import { TEST_PREFIX } from '../harness/cluster.js';
import { freePort } from '../harness/ports.js';
import { reapStaleTestDirs } from '../harness/reap.js';

/**
 * A real OCI image registry for tests: Debian's `docker-registry` (distribution 2.8) on a free loopback
 * port, storing into a per-run temp dir that stop() removes (a crashed run's registry and dir are reaped
 * by the next run, as the dir carries the test prefix and is on the process's command line).
 */

export interface TokenAuthConfig {
  realm: string;
  service: string;
  issuer: string;
  /** PEM file of the certificate(s) that sign tokens. */
  rootCertBundle: string;
}

export interface LabRegistryOptions {
  /** Basic auth against an htpasswd file holding this user, or the Docker token flow; anonymous when absent. */
  auth?: { htpasswd: RegistryCredentials } | { token: TokenAuthConfig };
}

export interface LabRegistry {
  /** `127.0.0.1:PORT`, the registry part of image references. */
  host: string;
  dir: string;
  stop(): Promise<void>;
}

const REGISTRY_BINARY = '/usr/bin/docker-registry';

function authConfig(dir: string, auth: LabRegistryOptions['auth']): Record<string, unknown> | undefined {
  if (!auth) return undefined;
  if ('htpasswd' in auth) return { htpasswd: { realm: 'cairn-lab', path: join(dir, 'htpasswd') } };
  const { realm, service, issuer, rootCertBundle } = auth.token;
  return { token: { realm, service, issuer, rootcertbundle: rootCertBundle } };
}

async function waitUntilServing(host: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const status = await fetch(`http://${host}/v2/`).then((r) => r.status, () => 0);
    if (status === 200 || status === 401) return;
    await sleep(50);
  }
  const output = await readFile(log, 'utf8').catch(() => '');
  throw new Error(`docker-registry did not start on ${host}: ${output.split('\n').slice(-10).join('\n')}`);
}

export async function startLabRegistry(options: LabRegistryOptions = {}): Promise<LabRegistry> {
  await reapStaleTestDirs();
  const dir = await mkdtemp(join(tmpdir(), `${TEST_PREFIX}image-registry-`));
  const host = `127.0.0.1:${await freePort()}`;
  if (options.auth && 'htpasswd' in options.auth) {
    const { username, password } = options.auth.htpasswd;
    // The lowest bcrypt cost keeps each authenticated request fast; this is a throwaway test secret.
    await writeFile(join(dir, 'htpasswd'), `${username}:${bcrypt.hashSync(password, 4)}\n`);
  }
  const config = {
    version: 0.1,
    log: { level: 'info', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true } },
    http: { addr: host },
    auth: authConfig(dir, options.auth),
  };
  const configPath = join(dir, 'config.yml');
  await writeFile(configPath, stringify(config));
  const log = join(dir, 'registry.log');
  const logFd = openSync(log, 'a');
  const child = spawn(REGISTRY_BINARY, ['serve', configPath], { cwd: dir, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  try {
    await waitUntilServing(host, child, log);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host,
    dir,
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
