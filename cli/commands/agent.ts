import { hostname } from 'node:os';
import type { ApiClient } from '../../control/client/client.js';
import { parseQuantity } from '../../api/quantity.js';
import type { Taint } from '../../api/types/core.js';
import { TAINT_EFFECTS } from '../../api/kinds/tolerations.js';
import { serveMetrics } from '../../agent/metrics-server.js';
import { HollowNodes, type HollowNodesConfig } from '../../agent/sim/hollow-nodes.js';
import { hollowMetrics } from '../../agent/sim/hollow-metrics.js';
import { NodeAgent } from '../../agent/node/node-agent.js';
import { CAIRN_BIN_DIR } from '../../agent/network/node-network.js';

export interface AgentArgs {
  sim: boolean;
  /** Real node only: where images, containers, logs and container layers live. */
  dataDir: string;
  /** Real node only: the Node's name (default: the host name). */
  nodeName?: string;
  /** Real node only: the address the node reports and its HTTPS endpoint listens on (default: first non-loopback IPv4). */
  nodeIp?: string;
  /** Real node only: the HTTPS endpoint's port (default 10250; 0 picks a free one). */
  port?: number;
  nodes: number;
  zones: number;
  region?: string;
  cpu: string;
  memory: string;
  ephemeralStorage: string;
  pods: string;
  taint: string[];
  taintFraction?: number;
  label: string[];
  startDelayMs: number;
  leaseIntervalMs: number;
  namePrefix: string;
  metricsPort?: number;
  agentVersion: string;
  /** Real node only: pod network settings (commander's --no-pod-network sets podNetwork false). */
  podNetwork: boolean;
  hostNetns?: string;
  podNetworkIp?: string;
  cniConfDir: string;
  cniBinDir: string[];
  clusterCidr: string;
  clusterDns?: string;
  clusterDomain: string;
}

export interface RunningAgent {
  /** Settles once every node is registered; rejects (after stopping) on an error retrying cannot fix. */
  registered: Promise<void>;
  stop(): Promise<void>;
}

/** A taint as `kubectl taint` writes it: `key=value:Effect` or `key:Effect`. */
export function parseTaint(text: string): Taint {
  const colon = text.lastIndexOf(':');
  const effect = colon > 0 ? text.slice(colon + 1) : '';
  if (!(TAINT_EFFECTS as readonly string[]).includes(effect)) {
    throw new Error(`invalid taint "${text}": expected key=value:Effect or key:Effect with Effect one of ${TAINT_EFFECTS.join(', ')}`);
  }
  const [key, ...rest] = text.slice(0, colon).split('=');
  if (!key) throw new Error(`invalid taint "${text}": the key is empty`);
  return rest.length ? { key, value: rest.join('='), effect: effect as Taint['effect'] } : { key, effect: effect as Taint['effect'] };
}

function parseLabel(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`invalid label "${text}": expected key=value`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function checkQuantity(flag: string, value: string): string {
  try {
    parseQuantity(value);
    return value;
  } catch (err) {
    throw new Error(`--${flag} ${JSON.stringify(value)} is not a quantity (e.g. 4, 500m, 16Gi): ${(err as Error).message}`);
  }
}

function checkArgs(args: AgentArgs): void {
  if (!args.sim && args.nodes !== 1) throw new Error('--nodes is for simulated nodes (--sim): a real agent runs one node, this machine');
  if (!Number.isInteger(args.nodes) || args.nodes < 1) throw new Error(`--nodes must be a whole number of at least 1, got ${args.nodes}`);
  if (!Number.isInteger(args.zones) || args.zones < 0) throw new Error(`--zones must be a whole number (0 for no zone labels), got ${args.zones}`);
  const fraction = args.taintFraction ?? 1;
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`--taint-fraction must be between 0 and 1, got ${args.taintFraction}`);
  if (args.taintFraction !== undefined && !args.taint.length) throw new Error('--taint-fraction needs at least one --taint');
  if (!(args.startDelayMs >= 0)) throw new Error(`--start-delay-ms must be 0 or more, got ${args.startDelayMs}`);
  if (!(args.leaseIntervalMs >= 100)) throw new Error(`--lease-interval-ms must be at least 100, got ${args.leaseIntervalMs}`);
}

/** At most one line per `everyMs`; the lines dropped in between are counted on the next one. */
function throttled(write: (line: string) => void, everyMs = 1000): (msg: string, fields?: Record<string, unknown>) => void {
  let last = 0;
  let dropped = 0;
  return (msg, fields) => {
    const now = Date.now();
    if (now - last < everyMs) {
      dropped++;
      return;
    }
    last = now;
    write(JSON.stringify({ ts: new Date(now).toISOString(), component: 'agent', msg, ...fields, ...(dropped ? { suppressed: dropped } : {}) }));
    dropped = 0;
  };
}

/**
 * `cairn agent --sim`: runs `nodes` hollow nodes in this process. Checks the arguments before connecting;
 * returns as soon as the nodes start registering, so a signal can stop them at any point (`stop` also closes
 * the client). Progress and a periodic summary go to `progress`.
 */
export async function agentCommand(args: AgentArgs, connect: () => Promise<ApiClient>, progress: (line: string) => void): Promise<RunningAgent> {
  checkArgs(args);
  if (!args.sim) return realAgent(args, await connect(), progress);
  const taints = args.taint.map(parseTaint);
  const config: HollowNodesConfig = {
    nodes: args.nodes,
    namePrefix: args.namePrefix,
    zones: args.zones,
    region: args.region,
    capacity: {
      cpu: checkQuantity('cpu', args.cpu),
      memory: checkQuantity('memory', args.memory),
      'ephemeral-storage': checkQuantity('ephemeral-storage', args.ephemeralStorage),
      pods: checkQuantity('pods', args.pods),
    },
    labels: Object.fromEntries(args.label.map(parseLabel)),
    taints,
    taintFraction: taints.length ? args.taintFraction ?? 1 : 0,
    startDelayMs: args.startDelayMs,
    leaseIntervalMs: args.leaseIntervalMs,
    agentVersion: args.agentVersion,
  };
  const client = await connect();
  const fleet = new HollowNodes(client, config, {
    onRegistered: (done, total) => {
      const step = Math.max(1, Math.min(1000, Math.ceil(total / 5)));
      if (done % step === 0 || done === total) progress(`registered ${done}/${total} nodes`);
    },
    log: throttled(progress),
  });
  const metrics = args.metricsPort === undefined ? undefined : await serveMetrics(hollowMetrics(() => fleet.stats()), args.metricsPort);
  if (metrics) progress(`metrics at http://127.0.0.1:${metrics.port}/metrics`);
  let reporter: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    stopped = true;
    clearInterval(reporter);
    await fleet.stop();
    await metrics?.close();
    client.close();
  };
  const started = Date.now();
  const registered = fleet.start().then(() => {
    if (stopped) return;
    progress(`${args.nodes} hollow nodes (hollow-${args.namePrefix}-*) registered in ${((Date.now() - started) / 1000).toFixed(1)} s; running the pods bound to them`);
    let last = '';
    reporter = setInterval(() => {
      const s = fleet.stats();
      const line = `pods running ${s.podsRunning}, status writes ${s.podStatusWrites}, deletions confirmed ${s.podDeletionsConfirmed}, pod errors ${s.podErrors}, lease renewals ${s.leaseRenewals} (failed ${s.leaseFailures})`;
      if (line !== last) progress(line);
      last = line;
    }, 30_000);
  }, async (err: unknown) => {
    await stop();
    throw err;
  });
  return { registered, stop };
}

/** `cairn agent` without --sim: this machine as a node, its pods run with runc. Containers outlive `stop`. */
function realAgent(args: AgentArgs, client: ApiClient, progress: (line: string) => void): RunningAgent {
  const nodeName = args.nodeName ?? hostname().toLowerCase();
  const agent = new NodeAgent(client, {
    nodeName,
    dataDir: args.dataDir,
    agentVersion: args.agentVersion,
    hostIP: args.nodeIp,
    port: args.port,
    labels: Object.fromEntries(args.label.map(parseLabel)),
    taints: args.taint.map(parseTaint),
    leaseIntervalMs: args.leaseIntervalMs,
    clusterDNS: args.clusterDns,
    clusterDomain: args.clusterDomain,
    metricsPort: args.metricsPort,
    ...(args.podNetwork ? {
      network: {
        hostNetns: args.hostNetns, nodeIP: args.podNetworkIp, cniConfDir: args.cniConfDir,
        cniBinDirs: args.cniBinDir.length ? args.cniBinDir : ['/opt/cni/bin', CAIRN_BIN_DIR], clusterCIDR: args.clusterCidr,
      },
    } : {}),
    log: throttled(progress),
  });
  const stop = async (): Promise<void> => {
    await agent.stop();
    client.close();
  };
  const registered = agent.start().then(
    () => {
      progress(`node ${nodeName} registered; running its pods with runc (data in ${args.dataDir})`);
      if (agent.servedMetricsPort !== undefined) progress(`metrics at http://127.0.0.1:${agent.servedMetricsPort}/metrics`);
    },
    async (err: unknown) => {
      await stop();
      throw err;
    },
  );
  return { registered, stop };
}
