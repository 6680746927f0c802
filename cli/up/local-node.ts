/**
 * The machine itself as the cluster's node for `cairn up`: a node agent running pods with runc, on the pod
 * network (CNI bridge, service VIPs, NetworkPolicy) in the machine's network namespace or in `netns`.
 */
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiClient } from '../../control/client/client.js';
import { CAIRN_BIN_DIR } from '../../agent/network/node-network.js';
import { NodeAgent } from '../../agent/node/node-agent.js';
import { CONMON_MISSING, conmonInstalled } from '../../agent/runtime/runc/conmon.js';
import { removeNodePods, type NodeRuntimeLocation } from '../../agent/node/remove-node-pods.js';

export interface LocalNodeOptions {
  name: string;
  /** The agent's data dir (images, containers, logs, CNI state). */
  dataDir: string;
  /** A network namespace (/run/netns/<name>) for the pod network instead of the machine's own. */
  netns?: string;
  /** The node's address on the pod network when it is not the machine's first one. */
  ip?: string;
  clusterCIDR: string;
  cgroupParent?: string;
  netnsPrefix?: string;
  agentVersion: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** How long containers get between SIGTERM and SIGKILL when `cairn up` stops (the agent no longer runs preStop hooks then). */
export const STOP_GRACE_SECONDS = 10;

export interface LocalNode {
  /**
   * Stops the agent, then its containers (SIGTERM, then SIGKILL after STOP_GRACE_SECONDS) and removes them: the
   * cluster is down, its pods come back with the next `cairn up`. Resolves to how many containers there were.
   */
  stop(): Promise<number>;
}

/** Why this machine cannot run pods, or undefined when it can. */
export async function localNodeUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'running containers needs root (runc, cgroups, network namespaces)';
  const found = await Promise.any(['/usr/sbin/runc', '/usr/bin/runc'].map((p) => access(p, constants.X_OK))).then(() => true, () => false);
  if (!found) return 'runc is not installed (Debian package runc; scripts/setup.sh installs it)';
  return (await conmonInstalled()) ? undefined : CONMON_MISSING;
}

export async function startLocalNode(client: ApiClient, opts: LocalNodeOptions): Promise<LocalNode> {
  const location: NodeRuntimeLocation = { dataDir: opts.dataDir, cgroupParent: opts.cgroupParent, netnsPrefix: opts.netnsPrefix };
  const agent = new NodeAgent(client, {
    nodeName: opts.name,
    dataDir: opts.dataDir,
    agentVersion: opts.agentVersion,
    // The registry reaches the agent's log endpoint on this machine; nothing else needs to.
    hostIP: '127.0.0.1',
    port: 0,
    cgroupParent: opts.cgroupParent,
    netnsPrefix: opts.netnsPrefix,
    network: {
      hostNetns: opts.netns, nodeIP: opts.ip, clusterCIDR: opts.clusterCIDR,
      cniConfDir: join(opts.dataDir, 'cni', 'net.d'), cniBinDirs: [CAIRN_BIN_DIR], cniStateDir: join(opts.dataDir, 'cni'),
    },
    log: opts.log,
  });
  try {
    await agent.start();
  } catch (err) {
    await agent.stop();
    throw err;
  }
  return {
    async stop() {
      await agent.stop();
      return removeNodePods(location, STOP_GRACE_SECONDS);
    },
  };
}
