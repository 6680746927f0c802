/**
 * The node agent on a real machine: registers its Node, keeps its Lease, and runs the pods bound to it with
 * runc and the image cache, all state under one data dir. Stopping leaves containers running; a new agent on
 * the same data dir adopts them.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiClient } from '../../control/client/client.js';
import type { Taint } from '../../api/types/core.js';
import { EventRecorder } from '../../control/client/event-recorder.js';
import { ImageService } from '../images/image-service.js';
import type { BackoffOptions } from '../images/pull-backoff.js';
import { ContainerRootfs } from '../pods/container-rootfs.js';
import { PodWorkers } from '../pods/pod-workers.js';
import type { ProbeRunner } from '../pods/probes/probe-runner.js';
import { RuncRuntime } from '../runtime/runc/runc-runtime.js';
import { NodeLeases } from './lease.js';
import { hostIPv4, machineNodeShape } from './machine.js';
import { buildNode, HEALTHY } from './node-object.js';
import { registerNode } from './registration.js';

export interface NodeAgentOptions {
  nodeName: string;
  /** Holds images/, runtime/ (containers, logs, runc root) and rootfs/ (container layers). */
  dataDir: string;
  agentVersion: string;
  hostIP?: string;
  labels?: Record<string, string>;
  /** Applied when the node is first registered. */
  taints?: Taint[];
  leaseIntervalMs?: number;
  resyncMs?: number;
  crashBackoff?: BackoffOptions;
  imagePullBackoff?: BackoffOptions;
  /** cgroup under which containers go (default /cairn) and the netns name prefix (default cairn-pod-): tests isolate runs with them. */
  cgroupParent?: string;
  netnsPrefix?: string;
  probeRunner?: ProbeRunner;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Specific enough that an agent never takes another tool's (or a test's) `cairn-*` namespaces for its own sandboxes. */
export const DEFAULT_NETNS_PREFIX = 'cairn-pod-';

export class NodeAgent {
  private leases?: NodeLeases;
  private workers?: PodWorkers;
  private events?: EventRecorder;
  private readonly registration = new AbortController();

  constructor(private readonly client: ApiClient, private readonly opts: NodeAgentOptions) {}

  /** Registers the node and starts the lease and the pod loop; resolves once the node's pods are listed. */
  async start(): Promise<void> {
    const { opts } = this;
    await mkdir(opts.dataDir, { recursive: true });
    const hostIP = opts.hostIP ?? hostIPv4();
    const runtime = await RuncRuntime.open({ stateDir: join(opts.dataDir, 'runtime'), cgroupParent: opts.cgroupParent, netnsPrefix: opts.netnsPrefix ?? DEFAULT_NETNS_PREFIX });
    const images = await ImageService.open({ root: join(opts.dataDir, 'images'), backoff: opts.imagePullBackoff });
    const shape = await machineNodeShape({ name: opts.nodeName, dataDir: opts.dataDir, agentVersion: opts.agentVersion, hostIP, labels: opts.labels });
    shape.taints = opts.taints;
    const node = await registerNode(this.client, buildNode(shape, HEALTHY, new Date()), { signal: this.registration.signal });
    this.leases = new NodeLeases(this.client, {
      intervalMs: opts.leaseIntervalMs,
      onError: (name, err) => opts.log?.('lease renewal failed', { node: name, error: (err as Error).message }),
    });
    this.leases.add(opts.nodeName, node.metadata.uid ? { uid: node.metadata.uid } : undefined);
    this.leases.start();
    this.events = new EventRecorder(this.client, { component: 'cairn-agent', host: opts.nodeName });
    this.workers = new PodWorkers(this.client, {
      nodeName: opts.nodeName, hostIP, runtime, images, rootfs: new ContainerRootfs(join(opts.dataDir, 'rootfs')),
      events: this.events, crashBackoff: opts.crashBackoff, resyncMs: opts.resyncMs, probeRunner: opts.probeRunner, log: opts.log,
    });
    await this.workers.start();
  }

  /** Stops the pod loop and heartbeats; containers keep running. */
  async stop(): Promise<void> {
    this.registration.abort();
    await this.workers?.stop();
    await this.leases?.stop();
    await this.events?.flush();
  }
}
