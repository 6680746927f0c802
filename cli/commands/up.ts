import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { busyboxImage } from '../../agent/images/busybox-image.js';
import { DistributionClient } from '../../agent/images/distribution-client.js';
import { pushImage } from '../../agent/images/oci-image-builder.js';
import { DEFAULT_CLUSTER_CIDR } from '../../control/controllers/nodeipam/node-ipam-controller.js';
import { EmbeddedEtcd } from '../../control/etcd/embedded-etcd.js';
import { ensurePki } from '../../control/pki/certificates.js';
import { RegistryServer, jsonLog } from '../../control/registry/server.js';
import { startControllers, type ControllerOptions } from '../../control/controllers/manager.js';
import { ApiClient } from '../../control/client/client.js';
import { renderKubeconfig } from '../../control/client/config.js';
import { startImageRegistry, type ImageRegistry } from '../up/image-registry.js';
import { localNodeUnavailable, startLocalNode, type LocalNode } from '../up/local-node.js';
import { applyCommand } from './apply.js';
import { schedulerCommand } from './scheduler.js';

/** The image references in examples/ name the local registry at its default address. */
export const DEFAULT_IMAGE_REGISTRY = '127.0.0.1:5000';
/** The image `cairn up` seeds the local registry with, built from the machine's busybox. */
export const LOCAL_BUSYBOX_IMAGE = 'cairn/busybox:1';

export interface UpNodeArgs {
  name: string;
  netns?: string;
  ip?: string;
  cgroupParent?: string;
  netnsPrefix?: string;
}

export interface UpArgs {
  dataDir: string;
  port: number;
  etcdPort: number;
  /** A manifest applied once, when the cluster is first created. */
  example?: string;
  controllers?: ControllerOptions;
  /** This machine as a node running pods (absent: a control plane only, pods stay Pending). */
  node?: UpNodeArgs;
  /** Where the local image registry listens (`127.0.0.1:PORT`); absent: none. */
  imageRegistry?: string;
  agentVersion: string;
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
  let images: ImageRegistry | undefined;
  let node: LocalNode | undefined;
  try {
    if (args.node) {
      const reason = await localNodeUnavailable();
      if (reason) throw new Error(`this machine cannot be the cluster's node: ${reason}; run as root with runc installed, or pass --no-node for a control plane only`);
    }
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
    if (args.imageRegistry) {
      progress(`starting the local image registry at ${args.imageRegistry} (images in ${join(args.dataDir, 'image-registry')})`);
      images = await startImageRegistry({ dir: join(args.dataDir, 'image-registry'), host: args.imageRegistry });
      await seedLocalImages(images.host, progress);
    }
    if (args.node) {
      progress(`starting the node ${args.node.name}: pods run with runc${args.node.netns ? ` (pod network in netns ${args.node.netns})` : ''}`);
      node = await startLocalNode(client, {
        ...args.node, dataDir: join(args.dataDir, 'node'), clusterCIDR: args.controllers?.clusterCIDR ?? DEFAULT_CLUSTER_CIDR,
        agentVersion: args.agentVersion, log: jsonLog('agent'),
      });
    }
    if (firstStart && args.example) {
      progress(`applying the example app ${args.example}`);
      await applyCommand(client, [await localizeExample(args.example, args.dataDir, args.imageRegistry)], 'default', (line) => progress(`  ${line}`));
    }
    const running = registry;
    const runningControllers = controllers;
    const runningScheduler = scheduler;
    const runningNode = node;
    const runningImages = images;
    return {
      kubeconfig,
      server,
      stop: async () => {
        if (runningNode) progress(`stopped ${await runningNode.stop()} containers on the node`);
        await runningImages?.stop();
        await runningScheduler.stop();
        await runningControllers.stop();
        client.close();
        await running.stop();
        await etcd.stop();
      },
    };
  } catch (err) {
    await node?.stop().catch(() => 0);
    await images?.stop().catch(() => {});
    await scheduler?.stop().catch(() => {});
    await controllers?.stop().catch(() => {});
    await registry?.stop().catch(() => {});
    await etcd.stop();
    throw err;
  }
}

/** Pushes the busybox image the example app runs (blobs the registry already has are not sent again). */
async function seedLocalImages(registry: string, progress: (line: string) => void): Promise<void> {
  const ref = `${registry}/${LOCAL_BUSYBOX_IMAGE}`;
  progress(`  pushing ${ref} (built from this machine's busybox)`);
  await pushImage(new DistributionClient(), ref, busyboxImage());
}

/** The example with its images pointed at the local registry's actual address (it names the default one). */
async function localizeExample(example: string, dataDir: string, registry: string | undefined): Promise<string> {
  if (!registry || registry === DEFAULT_IMAGE_REGISTRY) return example;
  const localized = join(dataDir, 'example-app.yaml');
  await writeFile(localized, (await readFile(example, 'utf8')).replaceAll(`${DEFAULT_IMAGE_REGISTRY}/`, `${registry}/`));
  return localized;
}
