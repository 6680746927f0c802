/**
 * Many simulated nodes in one process (Cairn's kubemark): each registers a real Node and keeps its Lease
 * renewed, and their pods are run by the simulated runtime. Everything but the runtime is the agent's own code:
 * node object, registration, lease, node status (Ready posted again after the controller marked it Unknown), pod status.
 */
import { randomUUID, createHash } from 'node:crypto';
import { release } from 'node:os';
import type { ApiClient } from '../../control/client/client.js';
import { quantityValue } from '../../api/quantity.js';
import { buildNode, goArch, HEALTHY, type NodeSoftware } from '../node/node-object.js';
import { registerNode } from '../node/registration.js';
import { NodeLeases } from '../node/lease.js';
import { forEachLimited } from '../util/concurrency.js';
import { hollowNodeIP, PodAddressPool } from './addresses.js';
import { fleetNodeShape, hollowNodeName, type FleetConfig } from './fleet.js';
import { HollowNodeStatus } from './hollow-node-status.js';
import { HollowPods, type HollowHost } from './hollow-pods.js';
import type { HollowStats } from './hollow-metrics.js';

export interface HollowNodesConfig extends FleetConfig {
  /** Delay between seeing a pod bound to a node and reporting it Running/Ready. */
  startDelayMs: number;
  leaseIntervalMs: number;
  /** Reported as the nodes' agent version. */
  agentVersion: string;
  /** Node creates in flight at most while registering. */
  registerConcurrency?: number;
  /** Pod status writes and deletions in flight at most. */
  podConcurrency?: number;
  /** Lease renewals in flight at most. */
  leaseConcurrency?: number;
}

export interface HollowNodesHooks {
  /** Called after each node is registered, with the count so far. */
  onRegistered?: (registered: number, total: number) => void;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

const hex = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

function software(name: string, agentVersion: string, bootID: string): NodeSoftware {
  const id = hex(name);
  return {
    machineID: id,
    systemUUID: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
    bootID,
    kernelVersion: release(),
    osImage: 'Cairn hollow node',
    containerRuntimeVersion: `sim://${agentVersion}`,
    agentVersion,
  };
}

/** A fleet of hollow nodes. `start` registers them all; `stop` ends heartbeats and pod handling (the nodes stay, their leases expire). */
export class HollowNodes {
  private readonly hosts = new Map<string, HollowHost & { index: number }>();
  private readonly leases: NodeLeases;
  private readonly pods: HollowPods;
  private readonly status: HollowNodeStatus;
  private readonly bootID = randomUUID();
  private readonly registration = new AbortController();
  private registered = 0;

  constructor(private readonly client: ApiClient, private readonly config: HollowNodesConfig, private readonly hooks: HollowNodesHooks = {}) {
    const maxPods = quantityValue(config.capacity.pods ?? 110);
    for (let i = 1; i <= config.nodes; i++) {
      this.hosts.set(hollowNodeName(config.namePrefix, i, config.nodes), { index: i, hostIP: hollowNodeIP(i), pods: new PodAddressPool(i, maxPods) });
    }
    this.leases = new NodeLeases(client, {
      intervalMs: config.leaseIntervalMs,
      concurrency: config.leaseConcurrency ?? 32,
      onError: (node, err) => hooks.log?.('lease renewal failed', { node, error: (err as Error).message }),
    });
    this.pods = new HollowPods(client, (name) => this.hosts.get(name), {
      startDelayMs: config.startDelayMs,
      workers: config.podConcurrency ?? 64,
      log: hooks.log,
    });
    this.status = new HollowNodeStatus(client, config.namePrefix, (name) => this.leases.holds(name), { log: hooks.log });
  }

  get nodeNames(): string[] {
    return [...this.hosts.keys()];
  }

  stats(): HollowStats {
    const p = this.pods.stats;
    return {
      nodesRegistered: this.registered,
      podsRunning: p.running,
      podStatusWrites: p.statusWrites,
      podDeletionsConfirmed: p.deletionsConfirmed,
      podErrors: p.errors,
      leaseRenewals: this.leases.stats.renewals,
      leaseFailures: this.leases.stats.failures,
    };
  }

  /**
   * Watches pods, then registers every node (bounded concurrency) and starts its lease as soon as it exists.
   * Resolves when all nodes are registered (or `stop` was called); rejects on an error retrying cannot fix.
   */
  async start(): Promise<void> {
    this.leases.start();
    await Promise.all([this.pods.start(), this.status.start()]);
    const arch = goArch(process.arch);
    const { signal } = this.registration;
    await forEachLimited(this.hosts.entries(), this.config.registerConcurrency ?? 48, async ([name, host]) => {
      if (signal.aborted) return;
      const shape = fleetNodeShape(this.config, host.index, arch, software(name, this.config.agentVersion, this.bootID));
      let node;
      try {
        node = await registerNode(this.client, buildNode(shape, HEALTHY, new Date()), { signal });
      } catch (err) {
        if (signal.aborted) return; // stopped while retrying: not a failure
        throw err;
      }
      if (signal.aborted) return;
      this.leases.add(name, node.metadata.uid ? { uid: node.metadata.uid } : undefined);
      this.status.add(name);
      this.registered++;
      this.hooks.onRegistered?.(this.registered, this.config.nodes);
    });
  }

  async stop(): Promise<void> {
    this.registration.abort();
    await Promise.all([this.leases.stop(), this.pods.stop(), this.status.stop()]);
  }
}
