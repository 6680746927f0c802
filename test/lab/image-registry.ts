import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { RegistryCredentials } from '../../agent/images/registry-auth.js';
import { startImageRegistry } from '../../cli/up/image-registry.js';
import { TEST_PREFIX } from '../harness/cluster.js';
import { freePort } from '../harness/ports.js';
import { reapStaleTestDirs } from '../harness/reap.js';

/**
 * A real OCI image registry for tests (cli/up/image-registry: Debian's `docker-registry`) on a free
 * loopback port, storing into a per-run temp dir that stop() removes (a crashed run's registry and dir are reaped
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

function authConfig(dir: string, auth: LabRegistryOptions['auth']): Record<string, unknown> | undefined {
  if (!auth) return undefined;
  if ('htpasswd' in auth) return { htpasswd: { realm: 'cairn-lab', path: join(dir, 'htpasswd') } };
  const { realm, service, issuer, rootCertBundle } = auth.token;
  return { token: { realm, service, issuer, rootcertbundle: rootCertBundle } };
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
  try {
    const registry = await startImageRegistry({ dir, host, auth: authConfig(dir, options.auth) });
    return {
      host,
      dir,
      async stop(): Promise<void> {
        await registry.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
