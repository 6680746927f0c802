import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddedEtcd } from '../../control/etcd/embedded-etcd.js';
import { ensurePki } from '../../control/pki/certificates.js';
import { RegistryServer, jsonLog } from '../../control/registry/server.js';
import { startControllers, type ControllerOptions } from '../../control/controllers/manager.js';
import { ApiClient } from '../../control/client/client.js';
import { renderKubeconfig } from '../../control/client/config.js';
import { applyCommand } from './apply.js';
import { schedulerCommand } from './scheduler.js';

export interface UpArgs {
  dataDir: string;
  port: number;
  etcdPort: number;
  /** A manifest applied once, when the cluster is first created. */
  example?: string;
  controllers?: ControllerOptions;
}

export interface RunningCluster {
  kubeconfig: string;
  server: string;
  stop(): Promise<void>;
}

/**
 * `cairn up`: a single-machine cluster (embedded etcd + registry) whose state lives in `dataDir`,
 * so running it again keeps every object. Writes `<dataDir>/kubeconfig` for cairn and kubectl.
 */
export async function up(args: UpArgs, progress: (line: string) => void): Promise<RunningCluster> {
  await mkdir(args.dataDir, { recursive: true, mode: 0o700 });
  const firstStart = !existsSync(join(args.dataDir, 'etcd', 'member-data'));
  progress(`starting etcd (data in ${join(args.dataDir, 'etcd')})`);
  const etcd = new EmbeddedEtcd({ dataDir: join(args.dataDir, 'etcd'), clientPort: args.etcdPort, peerPort: args.etcdPort + 1 });
  await etcd.start();
  let registry: RegistryServer | undefined;
  let controllers: { stop(): Promise<void> } | undefined;
  let scheduler: { stop(): Promise<void> } | undefined;
  try {
    progress('preparing cluster certificates');
    const pki = await ensurePki(join(args.dataDir, 'pki'));
    registry = new RegistryServer({
      etcdEndpoints: [etcd.endpoint],
      host: '127.0.0.1',
      port: args.port,
      tls: { cert: pki.serverCert, key: pki.serverKey },
      tokens: [pki.adminToken],
    });
    progress('starting the registry (API server)');
    const address = await registry.start();
    const server = `https://127.0.0.1:${address.port}`;
    const kubeconfig = join(args.dataDir, 'kubeconfig');
    await writeFile(kubeconfig, renderKubeconfig({ server, ca: pki.caCert, token: pki.adminToken }), { mode: 0o600 });
    const client = new ApiClient({ server, ca: pki.caCert, token: pki.adminToken });
    progress('starting controllers');
    controllers = await startControllers(client, jsonLog('controllers'), args.controllers);
    progress('starting the scheduler');
    scheduler = await schedulerCommand(client, {});
    if (firstStart && args.example) {
      progress(`applying the example app ${args.example}`);
      await applyCommand(client, [args.example], 'default', (line) => progress(`  ${line}`));
    }
    const running = registry;
    const runningControllers = controllers;
    const runningScheduler = scheduler;
    return {
      kubeconfig,
      server,
      stop: async () => {
        await runningScheduler.stop();
        await runningControllers.stop();
        client.close();
        await running.stop();
        await etcd.stop();
      },
    };
  } catch (err) {
    await scheduler?.stop().catch(() => {});
    await controllers?.stop().catch(() => {});
    await registry?.stop().catch(() => {});
    await etcd.stop();
    throw err;
  }
}
