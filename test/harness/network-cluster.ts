/**
 * A networked cluster for integration tests: the control plane (etcd, registry, controllers, optionally the
 * scheduler and cluster DNS) in this process, and N real nodes, each a NodeAgent running runc whose pod
 * network (bridge, CNI, routes, nftables) lives in its own lab host namespace (test/lab/network-lab.ts).
 * runPod binds a pod straight to a chosen node; with the scheduler, controllers' pods are placed by it.
 * Everything carries the run's prefix and is removed in stop(), even after a failure.
 */
import { execFile, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Container, Endpoints, Pod, PodSpec, Service } from '../../api/types/core.js';
import { DistributionClient } from '../../agent/images/distribution-client.js';
import { NodeAgent } from '../../agent/node/node-agent.js';
import { CAIRN_BIN_DIR } from '../../agent/network/node-network.js';
import { RuncRuntime } from '../../agent/runtime/runc/runc-runtime.js';
import type { ExecResult } from '../../agent/runtime/runtime.js';
import { startControllers } from '../../control/controllers/manager.js';
import { parseSchedulerConfig } from '../../scheduler/config/scheduler-config.js';
import { pluginRegistry } from '../../scheduler/plugins/registry.js';
import { Scheduler } from '../../scheduler/scheduler.js';
import { bridgeIntoNetns } from '../lab/api-bridge.js';
import { startLabRegistry, type LabRegistry } from '../lab/image-registry.js';
import { startNetworkLab, type LabHost, type NetworkLab } from '../lab/network-lab.js';
import { pushTestImages, type TestImageRefs } from '../lab/test-images.js';
import { removeAgentNodeState } from './agent-lab.js';
import { startTestCluster, TEST_PREFIX, type TestCluster } from './cluster.js';
import { createBoundPod, podWhere } from './bound-pods.js';
import { waitFor } from './wait.js';

export const CLUSTER_CIDR = '10.244.0.0/16';
export const CLUSTER_DNS_IP = '10.96.0.10';
const CAIRN_CLI = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url));
const run = promisify(execFile);

export interface LabNode {
  name: string;
  host: LabHost;
  agent: NodeAgent;
  dataDir: string;
  /** The node's runtime, for exec into its containers. */
  runtime: RuncRuntime;
}

export interface NetworkCluster {
  cluster: TestCluster;
  lab: NetworkLab;
  images: LabRegistry;
  refs: TestImageRefs;
  nodes: LabNode[];
  /** Creates a pod and binds it to `node`; resolves once it is Running with an IP (and Ready, unless told not to wait). */
  runPod(node: LabNode, name: string, spec: Partial<PodSpec> & { containers: Container[] }, opts?: { labels?: Record<string, string>; namespace?: string; ready?: boolean }): Promise<Pod>;
  /** The pod's network namespace (for host tools such as dig, run with lab.exec). */
  netnsOf(pod: Pod): string;
  /** Runs a command in the pod's first running container. */
  exec(pod: Pod, args: string[], timeoutMs?: number): Promise<ExecResult>;
  stop(): Promise<void>;
}

/**
 * Cluster DNS as a node-local daemon: `cairn dns` runs inside the first lab host (reaching the API through a
 * bridge) on that host's address, and the `kube-dns` Service (10.96.0.10) points at it.
 */
async function startClusterDns(cluster: TestCluster, host: LabHost): Promise<{ stop(): Promise<void> }> {
  const bridge = await bridgeIntoNetns(Number(new URL(cluster.server).port), [host.netns]);
  const dns = spawn('ip', ['netns', 'exec', host.netns, process.execPath, CAIRN_CLI, '--kubeconfig', cluster.kubeconfig, 'dns', '--listen', host.ip, '--port', '53'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  dns.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const stop = async (): Promise<void> => {
    dns.kill('SIGKILL');
    await bridge.stop();
  };
  try {
    const ports = [{ name: 'dns', port: 53, protocol: 'UDP' as const }, { name: 'dns-tcp', port: 53, protocol: 'TCP' as const }];
    await cluster.client.resource<Service>('services').create({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system' },
      spec: { clusterIP: CLUSTER_DNS_IP, ports: ports.map((p) => ({ ...p, targetPort: 53 })) },
    });
    await cluster.client.resource<Endpoints>('endpoints').create({
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kube-dns', namespace: 'kube-system' },
      subsets: [{ addresses: [{ ip: host.ip }], ports }],
    });
    await waitFor('cluster DNS answering', async () => {
      if (dns.exitCode !== null) throw new Error(`cairn dns exited ${dns.exitCode}: ${stderr}`);
      const { stdout } = await run('ip', ['netns', 'exec', host.netns, 'dig', `@${host.ip}`, '+short', '+time=1', '+tries=1', 'kube-dns.kube-system.svc.cluster.local']).catch(() => ({ stdout: '' }));
      return stdout.trim() === CLUSTER_DNS_IP;
    }, 30_000);
    return { stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function startNetworkCluster(label: string, nodeCount: number, opts: { dns?: boolean; scheduler?: boolean } = {}): Promise<NetworkCluster> {
  const prefix = `${TEST_PREFIX}${label}`;
  const nodes: LabNode[] = [];
  let cluster: TestCluster | undefined;
  let controllers: { stop(): Promise<void> } | undefined;
  let images: LabRegistry | undefined;
  let lab: NetworkLab | undefined;
  let dns: { stop(): Promise<void> } | undefined;
  let scheduler: Scheduler | undefined;
  const stop = async (): Promise<void> => {
    await scheduler?.stop();
    await dns?.stop();
    for (const node of nodes) await node.agent.stop().catch(() => undefined);
    for (const [i, node] of nodes.entries()) await removeAgentNodeState(node.dataDir, `${prefix}-n${i + 1}`);
    await lab?.stop();
    await images?.stop();
    await controllers?.stop();
    await cluster?.stop();
  };
  try {
    cluster = await startTestCluster();
    controllers = await startControllers(cluster.client, undefined, { clusterCIDR: CLUSTER_CIDR });
    images = await startLabRegistry();
    const refs = await pushTestImages(new DistributionClient(), images.host);
    lab = await startNetworkLab(label, nodeCount);
    for (const [i, host] of lab.hosts.entries()) {
      const nodePrefix = `${prefix}-n${i + 1}`;
      const dataDir = join(tmpdir(), nodePrefix);
      const agent = new NodeAgent(cluster.client, {
        nodeName: nodePrefix, dataDir, agentVersion: 'v0.0.0-test', hostIP: '127.0.0.1', port: 0,
        cgroupParent: `/${nodePrefix}`, netnsPrefix: `${nodePrefix}-`, resyncMs: 300, leaseIntervalMs: 5000,
        crashBackoff: { initialMs: 1000, maxMs: 8000 },
        network: {
          hostNetns: host.netns, nodeIP: host.ip, cniConfDir: join(dataDir, 'cni', 'net.d'), cniBinDirs: [CAIRN_BIN_DIR],
          cniStateDir: join(dataDir, 'cni'), clusterCIDR: CLUSTER_CIDR,
        },
        clusterDNS: CLUSTER_DNS_IP,
      });
      nodes.push({ name: nodePrefix, host, agent, dataDir, runtime: await RuncRuntime.open({ stateDir: join(dataDir, 'runtime'), cgroupParent: `/${nodePrefix}`, netnsPrefix: `${nodePrefix}-` }) });
      await agent.start();
    }
    if (opts.dns) dns = await startClusterDns(cluster, lab.hosts[0]!);
    if (opts.scheduler) {
      scheduler = new Scheduler({ client: cluster.newClient(), config: parseSchedulerConfig({ podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 2 }, new Set(pluginRegistry.keys())) });
      await scheduler.start();
    }
    const c = cluster;
    const pods = () => c.client.resource<Pod>('pods');
    return {
      cluster, lab, images, refs, nodes, stop,
      async runPod(node, name, spec, opts = {}) {
        const ns = opts.namespace ?? 'default';
        await createBoundPod(pods(), node.name, { name, namespace: ns, labels: opts.labels, spec: { terminationGracePeriodSeconds: 1, ...spec } });
        return podWhere(pods(), name, ns, 'running with an IP', (pod) => {
          const ready = pod.status?.conditions?.some((cond) => cond.type === 'Ready' && cond.status === 'True');
          return pod.status?.phase === 'Running' && !!pod.status.podIP && (opts.ready === false || !!ready);
        }, 60_000);
      },
      netnsOf: (pod) => `${pod.spec.nodeName}-${pod.metadata.uid}`,
      async exec(pod, args, timeoutMs = 10_000) {
        const node = nodes.find((n) => n.name === pod.spec.nodeName);
        if (!node) throw new Error(`pod ${pod.metadata.name} is not on a lab node`);
        const container = (await node.runtime.listContainers({ podId: pod.metadata.uid! })).find((s) => s.state === 'running');
        if (!container) throw new Error(`pod ${pod.metadata.name} has no running container`);
        return node.runtime.exec(container.id, args, { timeoutMs });
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
