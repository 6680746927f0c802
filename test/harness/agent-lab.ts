/**
 * A real node for integration tests: test cluster (etcd + registry) + Debian's docker-registry with the test
 * images + an in-process NodeAgent running runc, its containers, netns, cgroups and files all named with a
 * per-run prefix, and a teardown that removes them even after a failure. Pods are bound straight to the node
 * (no scheduler).
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Container, Pod, PodSpec } from '../../api/types/core.js';
import { DistributionClient } from '../../agent/images/distribution-client.js';
import { NodeAgent, type NodeAgentOptions } from '../../agent/node/node-agent.js';
import { CGROUP_ROOT, detectCgroupMode } from '../../agent/runtime/runc/cgroups.js';
import { removeNodePods } from '../../agent/node/remove-node-pods.js';
import { RuncRuntime } from '../../agent/runtime/runc/runc-runtime.js';
import { startLabRegistry, type LabRegistry } from '../lab/image-registry.js';
import { pushTestImages, type TestImageRefs } from '../lab/test-images.js';
import { startTestCluster, TEST_PREFIX, type TestCluster } from './cluster.js';
import { createBoundPod, podWhere } from './bound-pods.js';

const run = promisify(execFile);

export interface AgentLab {
  cluster: TestCluster;
  images: LabRegistry;
  refs: TestImageRefs;
  agent: NodeAgent;
  nodeName: string;
  dataDir: string;
  /** Creates a pod in `default` and binds it to the node. */
  runPod(spec: Partial<PodSpec> & { containers: Container[] }, labels?: Record<string, string>): Promise<Pod>;
  /** Polls the pod until `check` holds; the error names `what` and the last status seen. */
  podWhere(name: string, what: string, check: (pod: Pod) => boolean, timeoutMs?: number): Promise<Pod>;
  /** A second handle on the agent's runtime state, to look at its containers and sandboxes directly. */
  openRuntime(): Promise<RuncRuntime>;
  stop(): Promise<void>;
}

/**
 * Removes everything a test agent with this data dir and prefix left on the machine: its containers and pod
 * sandboxes (network namespaces), overlay mounts, cgroup parent and the data dir itself.
 */
export async function removeAgentNodeState(dataDir: string, prefix: string): Promise<void> {
  await removeNodePods({ dataDir, cgroupParent: `/${prefix}`, netnsPrefix: `${prefix}-` }).catch(() => undefined);
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((l) => l.split(' ')[4]).filter((m) => m?.startsWith(dataDir));
  for (const m of mounts) await run('umount', [m]).catch(() => undefined);
  const mode = await detectCgroupMode();
  const parents = mode === 'v2' ? [CGROUP_ROOT] : (await readdir(CGROUP_ROOT)).map((c) => join(CGROUP_ROOT, c));
  for (const parent of parents) await rmdir(join(parent, prefix)).catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
}

export async function startAgentLab(label: string, overrides: Partial<NodeAgentOptions> = {}): Promise<AgentLab> {
  const prefix = `${TEST_PREFIX}${label}-${Math.random().toString(36).slice(2, 7)}`;
  const dataDir = join(tmpdir(), prefix);
  const nodeName = `${prefix}-node`;
  const options: NodeAgentOptions = {
    nodeName, dataDir, agentVersion: 'v0.0.0-test', hostIP: '127.0.0.1', port: 0, cgroupParent: `/${prefix}`, netnsPrefix: `${prefix}-`,
    resyncMs: 300, crashBackoff: { initialMs: 1000, maxMs: 8000 }, leaseIntervalMs: 5000, ...overrides,
  };
  let cluster: TestCluster | undefined;
  let images: LabRegistry | undefined;
  let agent: NodeAgent | undefined;
  let seq = 0;

  const stop = async (): Promise<void> => {
    await agent?.stop();
    await removeAgentNodeState(dataDir, prefix);
    await images?.stop();
    await cluster?.stop();
  };

  try {
    cluster = await startTestCluster();
    images = await startLabRegistry();
    const refs = await pushTestImages(new DistributionClient(), images.host);
    agent = new NodeAgent(cluster.client, options);
    await agent.start();
    const c = cluster;
    const pods = () => c.client.resource<Pod>('pods');
    return {
      cluster, images, refs, agent, nodeName, dataDir, stop,
      runPod: (spec, labels) => createBoundPod(pods(), nodeName, { name: `p${seq++}`, namespace: 'default', labels, spec: { terminationGracePeriodSeconds: 2, ...spec } }),
      podWhere: (name, what, check, timeoutMs) => podWhere(pods(), name, 'default', what, check, timeoutMs),
      openRuntime: () => RuncRuntime.open({ stateDir: join(dataDir, 'runtime'), cgroupParent: options.cgroupParent, netnsPrefix: options.netnsPrefix }),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
