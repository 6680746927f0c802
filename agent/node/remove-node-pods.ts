import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ContainerRootfs } from '../pods/container-rootfs.js';
import { RuncRuntime } from '../runtime/runc/runc-runtime.js';
import { unmountUnder } from '../volumes/tmpfs.js';
import { DEFAULT_NETNS_PREFIX } from './node-agent.js';

export interface NodeRuntimeLocation {
  /** The agent's data dir (its runtime state is under runtime/). */
  dataDir: string;
  cgroupParent?: string;
  netnsPrefix?: string;
}

/**
 * Stops and removes every container, its root filesystem (overlay mount), every pod sandbox (network
 * namespace) and the tmpfs mounts of pods' volumes of a stopped agent: `cairn up` on shutdown, tests in
 * teardown. Running containers get SIGTERM and `gracePeriodSeconds` (all at once) before SIGKILL; 0 kills
 * at once. The Pod objects stay; an agent started again recreates their containers. Returns how many
 * containers were removed.
 */
export async function removeNodePods(node: NodeRuntimeLocation, gracePeriodSeconds = 0): Promise<number> {
  const runtime = await RuncRuntime.open({
    stateDir: join(node.dataDir, 'runtime'), cgroupParent: node.cgroupParent, netnsPrefix: node.netnsPrefix ?? DEFAULT_NETNS_PREFIX,
  });
  const containers = await runtime.listContainers();
  if (gracePeriodSeconds > 0) {
    const running = containers.filter((c) => c.state === 'running');
    await Promise.all(running.map((c) => runtime.stopContainer(c.id, gracePeriodSeconds).catch(() => undefined)));
  }
  for (const c of containers) await runtime.removeContainer(c.id).catch(() => undefined);
  for (const s of await runtime.listPodSandboxes()) await runtime.removePodSandbox(s.podId).catch(() => undefined);
  const rootfsDir = join(node.dataDir, 'rootfs');
  const rootfs = new ContainerRootfs(rootfsDir);
  for (const id of await readdir(rootfsDir).catch(() => [])) await rootfs.remove(id).catch(() => undefined);
  // Memory-backed volumes (emptyDir medium Memory, secrets) are tmpfs mounts: their contents go with the pods.
  await unmountUnder(join(node.dataDir, 'volumes')).catch(() => undefined);
  return containers.length;
}
