/**
 * A networked cluster for integration tests: the control plane (etcd, registry, controllers) in this process,
 * and N real nodes, each a NodeAgent running runc whose pod network (bridge, CNI, routes, nftables) lives in
 * its own lab host namespace (test/lab/network-lab.ts). Pods are bound straight to a chosen node. Everything
 * carries the run's prefix and is removed in stop(), even after a failure.
 */
import { mkdir, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Container, Pod, PodSpec } from '../../api/types/core.js';
import { DistributionClient } from '../../agent/images/distribution-client.js';
import { NodeAgent } from '../../agent/node/node-agent.js';
import { RuncRuntime } from '../../agent/runtime/runc/runc-runtime.js';
import type { ExecResult } from '../../agent/runtime/runtime.js';
import { startControllers } from '../../control/controllers/manager.js';
import { startLabRegistry, type LabRegistry } from '../lab/image-registry.js';
import { startNetworkLab, type LabHost, type NetworkLab } from '../lab/network-lab.js';
import { pushTestImages, type TestImageRefs } from '../lab/test-images.js';
import { removeAgentNodeState } from './agent-lab.js';
import { startTestCluster, TEST_PREFIX, type TestCluster } from './cluster.js';
import { waitFor } from './wait.js';

export const CLUSTER_CIDR = '10.244.0.0/16';
export const CLUSTER_DNS_IP = '10.96.0.10';
const CNI_PLUGIN = fileURLToPath(new URL('../../../bin/cairn-cni.js', import.meta.url));

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
  /** Runs a command in the pod's first container. */
  exec(pod: Pod, args: string[], timeoutMs?: number): Promise<ExecResult>;
  stop(): Promise<void>;
}

export async function startNetworkCluster(label: string, nodeCount: number): Promise<NetworkCluster> {
  const prefix = `${TEST_PREFIX}${label}`;
  const nodes: LabNode[] = [];
  let cluster: TestCluster | undefined;
  let controllers: { stop(): Promise<void> } | undefined;
  let images: LabRegistry | undefined;
  let lab: NetworkLab | undefined;
  const stop = async (): Promise<void> => {
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
    const binDir = join(tmpdir(), `${prefix}-cni-bin`);
    await mkdir(binDir, { recursive: true });
    await symlink(CNI_PLUGIN, join(binDir, 'cairn-cni')).catch(() => undefined);
    for (const [i, host] of lab.hosts.entries()) {
      const nodePrefix = `${prefix}-n${i + 1}`;
      const dataDir = join(tmpdir(), nodePrefix);
      const agent = new NodeAgent(cluster.client, {
        nodeName: nodePrefix, dataDir, agentVersion: 'v0.0.0-test', hostIP: '127.0.0.1', port: 0,
        cgroupParent: `/${nodePrefix}`, netnsPrefix: `${nodePrefix}-`, resyncMs: 300, leaseIntervalMs: 5000,
        crashBackoff: { initialMs: 1000, maxMs: 8000 },
        network: {
          hostNetns: host.netns, nodeIP: host.ip, cniConfDir: join(dataDir, 'cni', 'net.d'), cniBinDirs: [binDir],
          cniStateDir: join(dataDir, 'cni'), clusterCIDR: CLUSTER_CIDR,
        },
        clusterDNS: CLUSTER_DNS_IP,
      });
      nodes.push({ name: nodePrefix, host, agent, dataDir, runtime: await RuncRuntime.open({ stateDir: join(dataDir, 'runtime'), cgroupParent: `/${nodePrefix}`, netnsPrefix: `${nodePrefix}-` }) });
      await agent.start();
    }
    const c = cluster;
    const pods = () => c.client.resource<Pod>('pods');
    return {
      cluster, lab, images, refs, nodes, stop,
      async runPod(node, name, spec, opts = {}) {
        const ns = opts.namespace ?? 'default';
        await pods().create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: opts.labels }, spec: { terminationGracePeriodSeconds: 1, ...spec } });
        await pods().createSubresource(name, ns, 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node.name } });
        let last: Pod | undefined;
        try {
          return await waitFor(`pod ${name} running with an IP`, async () => {
            last = await pods().get(name, ns);
            const ready = last.status?.conditions?.some((cond) => cond.type === 'Ready' && cond.status === 'True');
            return last.status?.phase === 'Running' && last.status.podIP && (opts.ready === false || ready) ? last : undefined;
          }, 60_000);
        } catch (err) {
          throw new Error(`${(err as Error).message}; last status: ${JSON.stringify(last?.status)}`);
        }
      },
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
