import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedEtcd } from '../../control/etcd/embedded-etcd.js';
import { ensurePki, type ClusterPki } from '../../control/pki/certificates.js';
import { RegistryServer, type RegistryOptions } from '../../control/registry/server.js';
import { ApiClient } from '../../control/client/client.js';
import { renderKubeconfig } from '../../control/client/config.js';
import { freePort } from './ports.js';
import { reapStaleTestDirs } from './reap.js';

const run = promisify(execFile);

/** Every test resource carries this prefix, so a crashed run's leftovers are recognisable and harmless. */
export const TEST_PREFIX = `cairn-test-${process.pid}-`;

export interface TestCluster {
  dir: string;
  etcd: EmbeddedEtcd;
  registry: RegistryServer;
  pki: ClusterPki;
  server: string;
  kubeconfig: string;
  client: ApiClient;
  /** A second, independent client (e.g. a competing writer). */
  newClient(): ApiClient;
  restartRegistry(overrides?: Partial<RegistryOptions>): Promise<void>;
  /** Compacts etcd's history up to its current revision, as an operator's `etcdctl compact` would; returns that revision. */
  compactEtcd(): Promise<number>;
  /** Stops etcd (SIGKILL when `crash`) and starts it again on the same data and port. */
  restartEtcd(crash?: boolean): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real single-member etcd on free loopback ports with a temporary data dir, and a registry
 * serving HTTPS with a fresh CA and token, as `cairn up` runs them.
 */
export async function startTestCluster(overrides: Partial<RegistryOptions> = {}): Promise<TestCluster> {
  await reapStaleTestDirs();
  const dir = await mkdtemp(join(tmpdir(), TEST_PREFIX));
  const etcd = new EmbeddedEtcd({ dataDir: join(dir, 'etcd'), clientPort: await freePort(), peerPort: await freePort(), name: 'test' });
  await etcd.start();
  const pki = await ensurePki(join(dir, 'pki'));
  const port = await freePort();
  const options = (): RegistryOptions => ({
    etcdEndpoints: [etcd.endpoint],
    host: '127.0.0.1',
    port,
    tls: { cert: pki.serverCert, key: pki.serverKey },
    tokens: [pki.adminToken],
    compactionIntervalMs: 0,
    log: () => {},
    ...overrides,
  });
  let registry = new RegistryServer(options());
  await registry.start();
  const server = `https://127.0.0.1:${port}`;
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, renderKubeconfig({ server, ca: pki.caCert, token: pki.adminToken }));
  const clients: ApiClient[] = [];
  const newClient = (): ApiClient => {
    const c = new ApiClient({ server, ca: pki.caCert, token: pki.adminToken });
    clients.push(c);
    return c;
  };
  const cluster: TestCluster = {
    dir, etcd, pki, server, kubeconfig,
    get registry() { return registry; },
    client: newClient(),
    newClient,
    async restartRegistry(more = {}) {
      await registry.stop();
      registry = new RegistryServer({ ...options(), ...more });
      await registry.start();
    },
    async compactEtcd() {
      const { stdout } = await run('etcdctl', ['--endpoints', etcd.endpoint, 'endpoint', 'status', '--write-out', 'json']);
      const revision = (JSON.parse(stdout) as { Status: { header: { revision: number } } }[])[0]!.Status.header.revision;
      await run('etcdctl', ['--endpoints', etcd.endpoint, 'compact', String(revision)]);
      return revision;
    },
    async restartEtcd(crash = false) {
      await etcd.stop(crash ? 'SIGKILL' : 'SIGTERM');
      await etcd.start();
    },
    async stop() {
      for (const c of clients) c.close();
      await registry.stop().catch(() => {});
      await etcd.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}
