/**
 * The node agent on a real machine: registers its Node, keeps its Lease, and runs the pods bound to it with
 * runc and the image cache, all state under one data dir; serves its containers' logs over HTTPS
 * (logs/log-server.ts). Stopping leaves containers running; a new agent on the same data dir adopts them.
 */
import { join } from 'node:path';
import type { ApiClient } from '../../control/client/client.js';
import type { Taint } from '../../api/types/core.js';
import { EventRecorder } from '../../control/client/event-recorder.js';
import { periodic, type Periodic } from '../../control/client/periodic.js';
import type { GcThresholds } from '../images/image-gc.js';
import { ImageService } from '../images/image-service.js';
import type { BackoffOptions } from '../images/pull-backoff.js';
import { ContainerRootfs } from '../pods/container-rootfs.js';
import { PodResolvFiles } from '../pods/pod-resolv-files.js';
import { PodWorkers } from '../pods/pod-workers.js';
import type { ProbeRunner } from '../pods/probes/probe-runner.js';
import { runChecked } from '../runtime/runc/command.js';
import { NETNS_DIR } from '../runtime/runc/pod-sandbox.js';
import { RuncRuntime } from '../runtime/runc/runc-runtime.js';
import { createSelfSignedServingCert } from '../../control/pki/certificates.js';
import { DEFAULT_AGENT_PORT, LogServer } from '../logs/log-server.js';
import { NodeNetwork, type NodeNetworkOptions } from '../network/node-network.js';
import { ImageGcLoop } from './image-gc-loop.js';
import { NodeLeases } from './lease.js';
import { hostIPv4, machineNodeShape } from './machine.js';
import { readMachine } from './machine-readings.js';
import { buildNode } from './node-object.js';
import { DEFAULT_PRESSURE_THRESHOLDS, nodeHealth, type PressureThresholds } from './node-pressure.js';
import { NodeStatusReporter } from './node-status.js';
import { AgentMetrics } from '../agent-metrics.js';
import { serveMetrics, type MetricsServer } from '../metrics-server.js';
import { privateDir } from '../util/private-dir.js';
import { registerNode } from './registration.js';

export interface NodeAgentOptions {
  nodeName: string;
  /** Holds images/, runtime/ (containers, logs, runc root), rootfs/ (container layers) and volumes/ (pods' volumes). */
  dataDir: string;
  agentVersion: string;
  hostIP?: string;
  /** HTTPS port of the agent's endpoint (container logs) on hostIP; default 10250 like the kubelet, 0 picks a free one. */
  port?: number;
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
  /** How long a ConfigMap or Secret read for the node's pods is reused before it is read again (default 10 s). */
  configTtlMs?: number;
  /** How often conditions are judged (default 10 s) and the longest a status write waits when nothing changes (default 5 min). */
  statusIntervalMs?: number;
  statusReportMs?: number;
  /** Eviction-style thresholds for MemoryPressure, DiskPressure and PIDPressure (default the kubelet's hard ones). */
  pressureThresholds?: PressureThresholds;
  /** Image GC disk-usage thresholds (default 85% / 80%) and period (default 5 min); also run when DiskPressure appears. */
  imageGcThresholds?: GcThresholds;
  imageGcIntervalMs?: number;
  /** The pod network (CNI, routes, service proxy, NetworkPolicy); without it pods have loopback only. */
  network?: NodeNetworkOptions;
  /** The cluster DNS address ClusterFirst pods resolve with (none: the node's resolver) and the cluster domain. */
  clusterDNS?: string;
  clusterDomain?: string;
  /** Serve /metrics on 127.0.0.1:<port> (0 picks a free one: see servedMetricsPort). */
  metricsPort?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Specific enough that an agent never takes another tool's (or a test's) `cairn-*` namespaces for its own sandboxes. */
export const DEFAULT_NETNS_PREFIX = 'cairn-pod-';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** The kubelet's ContainerLogMonitorInterval: how often container logs are checked for rotation. */
const LOG_ROTATION_INTERVAL_MS = 10_000;

export class NodeAgent {
  private leases?: NodeLeases;
  private workers?: PodWorkers;
  private events?: EventRecorder;
  private logServer?: LogServer;
  private status?: NodeStatusReporter;
  private imageGc?: ImageGcLoop;
  private network?: NodeNetwork;
  private logRotation?: Periodic;
  private readonly registration = new AbortController();
  private metricsServer?: MetricsServer;
  /** The agent's Prometheus metrics; set once started. */
  metrics?: AgentMetrics;

  constructor(private readonly client: ApiClient, private readonly opts: NodeAgentOptions) {}

  /** Registers the node and starts the lease and the pod loop; resolves once the node's pods are listed. */
  async start(): Promise<void> {
    const { opts } = this;
    await privateDir(opts.dataDir);
    for (const sub of ['runtime', 'volumes', 'pods']) await privateDir(join(opts.dataDir, sub));
    const hostIP = opts.hostIP ?? hostIPv4();
    this.network = opts.network ? new NodeNetwork(this.client, opts.nodeName, opts.network, opts.log) : undefined;
    const runtime = await RuncRuntime.open({
      stateDir: join(opts.dataDir, 'runtime'), cgroupParent: opts.cgroupParent, netnsPrefix: opts.netnsPrefix ?? DEFAULT_NETNS_PREFIX, network: this.network,
      ...(opts.network?.hostNetns ? { hostNetnsPath: `${NETNS_DIR}/${opts.network.hostNetns}` } : {}),
    });
    const images = await ImageService.open({ root: join(opts.dataDir, 'images'), backoff: opts.imagePullBackoff });
    this.imageGc = new ImageGcLoop(images, runtime, { thresholds: opts.imageGcThresholds, intervalMs: opts.imageGcIntervalMs, log: opts.log });
    this.logServer = new LogServer({
      host: hostIP,
      port: opts.port ?? DEFAULT_AGENT_PORT,
      tls: await createSelfSignedServingCert(opts.nodeName, [opts.nodeName], [hostIP]),
      // The registry presents one of its tokens; the agent knows one: its own (see log-server.ts).
      token: this.client.config.token,
      runtime,
    });
    const shape = await machineNodeShape({ name: opts.nodeName, dataDir: opts.dataDir, agentVersion: opts.agentVersion, hostIP, labels: opts.labels });
    shape.agentPort = await this.logServer.start();
    shape.taints = opts.taints;
    const read = () => readMachine(opts.dataDir, () => runChecked('runc', ['--version']));
    const thresholds = opts.pressureThresholds ?? DEFAULT_PRESSURE_THRESHOLDS;
    const registered = { health: nodeHealth(await read(), thresholds), at: new Date() };
    const node = await registerNode(this.client, buildNode(shape, registered.health, registered.at), { signal: this.registration.signal });
    this.leases = new NodeLeases(this.client, {
      intervalMs: opts.leaseIntervalMs,
      onError: (name, err) => opts.log?.('lease renewal failed', { node: name, error: (err as Error).message }),
    });
    this.leases.add(opts.nodeName, node.metadata.uid ? { uid: node.metadata.uid } : undefined);
    this.leases.start();
    if (this.network) {
      this.network.liveSandboxes = async () => (await runtime.listPodSandboxes()).map((s) => s.podId);
      this.network.start();
    }
    this.events = new EventRecorder(this.client, { component: 'cairn-agent', host: opts.nodeName });
    this.metrics = new AgentMetrics({ pods: () => this.workers?.podCount ?? 0, runtime });
    if (opts.metricsPort !== undefined) this.metricsServer = await serveMetrics(this.metrics.registry, opts.metricsPort);
    this.workers = new PodWorkers(this.client, {
      nodeName: opts.nodeName, hostIP, hostNetworkIP: opts.network?.nodeIP, rootfs: new ContainerRootfs(join(opts.dataDir, 'rootfs')),
      runtime: this.metrics.instrumentRuntime(runtime), images: this.metrics.instrumentImages(images), metrics: this.metrics,
      podMounts: new PodResolvFiles(join(opts.dataDir, 'pods'), { nameserver: opts.clusterDNS, domain: opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN }),
      events: this.events, crashBackoff: opts.crashBackoff, resyncMs: opts.resyncMs, probeRunner: opts.probeRunner, configTtlMs: opts.configTtlMs,
      volumesDir: join(opts.dataDir, 'volumes'), log: opts.log,
    });
    await this.workers.start();
    this.imageGc.start();
    this.logRotation = periodic(() => runtime.rotateLogs(), LOG_ROTATION_INTERVAL_MS, {
      onError: (err) => opts.log?.('container log rotation failed', { error: (err as Error).message }),
    });
    this.status = new NodeStatusReporter(this.client.resource('nodes'), {
      nodeName: opts.nodeName, read, thresholds, registered, intervalMs: opts.statusIntervalMs, reportMs: opts.statusReportMs, log: opts.log,
      onChange: (health, previous) => {
        if (health.diskPressure && !previous.diskPressure) this.imageGc?.collect().catch((err: unknown) => opts.log?.('image garbage collection failed', { error: (err as Error).message }));
      },
    });
    this.status.start();
  }

  /** Stops the pod loop and heartbeats; containers keep running. */
  async stop(): Promise<void> {
    this.registration.abort();
    await this.status?.stop();
    await this.imageGc?.stop();
    await this.logRotation?.stop();
    await this.workers?.stop();
    await this.leases?.stop();
    await this.network?.stop();
    await this.events?.flush();
    await this.logServer?.stop();
    await this.metricsServer?.close();
  }

  /** The port /metrics is served on, once started with metricsPort. */
  get servedMetricsPort(): number | undefined {
    return this.metricsServer?.port;
  }
}
