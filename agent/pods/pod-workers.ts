/**
 * The node's pod loop: a watch of the pods bound to this node (fieldSelector spec.nodeName) feeds a work
 * queue of pod keys; each key is synced by PodSync, never by two workers at once, again after every change,
 * probe result change, and every resync period. On start, containers the runtime already runs are adopted
 * (a pod whose containers run is not restarted) and those of pods that no longer exist are torn down.
 */
import { cpus, totalmem } from 'node:os';
import type { ApiClient } from '../../control/client/client.js';
import type { EventRecorder } from '../../control/client/event-recorder.js';
import { Informer, objectKey } from '../../control/client/informer.js';
import { WorkQueue } from '../../control/client/work-queue.js';
import type { ConfigMap, Pod, Secret } from '../../api/types/core.js';
import type { ImageService } from '../images/image-service.js';
import type { BackoffOptions } from '../images/pull-backoff.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { ContainerRootfs } from './container-rootfs.js';
import { CachedConfigSource } from './config-source.js';
import type { PodMounts } from './pod-resolv-files.js';
import { PodVolumes } from '../volumes/pod-volumes.js';
import type { AgentMetrics } from '../agent-metrics.js';
import { PodSync } from './pod-sync.js';
import { ProbeManager, type ProbeChange } from './probes/probe-manager.js';
import { probeRunner, type ProbeRunner } from './probes/probe-runner.js';

export interface PodWorkersOptions {
  nodeName: string;
  hostIP: string;
  hostNetworkIP?: string;
  runtime: ContainerRuntime;
  images: Pick<ImageService, 'ensureImage'>;
  rootfs: ContainerRootfs;
  podMounts?: PodMounts;
  events?: EventRecorder;
  crashBackoff?: BackoffOptions;
  /** Default 1000 ms. */
  resyncMs?: number;
  /** Pods synced at once; default 16. */
  workers?: number;
  probeRunner?: ProbeRunner;
  /** How long a ConfigMap or Secret read for a pod is reused (default 10 s; see config-source.ts). */
  configTtlMs?: number;
  /** Where pods' volumes go (see volumes/pod-volumes.ts); without it volumeMounts are ignored. */
  volumesDir?: string;
  metrics?: Pick<AgentMetrics, 'podStarted' | 'podSynced'>;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

const PROBE_NAMES = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' } as const;

export class PodWorkers {
  private readonly informer: Informer<Pod>;
  private readonly queue = new WorkQueue<string>();
  private readonly probes: ProbeManager;
  private readonly syncer: PodSync;
  /** The uid each key was last synced as: a pod deleted (or replaced) while we did not look is torn down by it. */
  private readonly known = new Map<string, string>();
  private readonly loops: Promise<void>[] = [];
  private readonly volumes?: PodVolumes;

  constructor(client: ApiClient, private readonly opts: PodWorkersOptions) {
    const pods = client.resource<Pod>('pods');
    this.informer = new Informer(pods, { fieldSelector: `spec.nodeName=${opts.nodeName}` });
    const enqueue = (pod: Pod): void => this.queue.add(objectKey(pod));
    this.informer.on('add', enqueue);
    this.informer.on('update', (_old, pod) => enqueue(pod));
    this.informer.on('delete', enqueue);
    const runner = opts.probeRunner ?? probeRunner(opts.runtime);
    this.probes = new ProbeManager(runner, (change) => this.onProbe(change));
    const config = new CachedConfigSource({ configMaps: client.resource<ConfigMap>('configmaps'), secrets: client.resource<Secret>('secrets') }, opts.configTtlMs);
    const allocatable = { cpu: String(cpus().length), memory: String(totalmem()) };
    this.volumes = opts.volumesDir ? new PodVolumes(opts.volumesDir, config, allocatable) : undefined;
    this.syncer = new PodSync({
      hostIP: opts.hostIP, hostNetworkIP: opts.hostNetworkIP, pods, runtime: opts.runtime, images: opts.images, rootfs: opts.rootfs, podMounts: opts.podMounts, probes: this.probes,
      events: opts.events, crashBackoff: opts.crashBackoff, resyncMs: opts.resyncMs ?? 1000,
      config, allocatable, hooks: runner, ...(this.volumes ? { volumes: this.volumes } : {}),
      ...(opts.metrics ? { podStarted: (pod: Pod) => opts.metrics?.podStarted(pod) } : {}),
    });
  }

  /** Pods bound to this node, as last seen. */
  get podCount(): number {
    return this.informer.list().length;
  }

  /** Resolves once the node's pods are listed and orphaned containers are gone; syncing goes on in the background. */
  async start(): Promise<void> {
    await this.informer.start();
    await this.removeOrphans();
    for (let i = 0; i < (this.opts.workers ?? 16); i++) this.loops.push(this.work());
  }

  /** Stops syncing and probing. Containers keep running: a new PodWorkers on the same runtime adopts them. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.informer.stop();
    await Promise.all(this.loops);
    this.probes.stop();
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        const again = await this.reconcile(key);
        this.opts.metrics?.podSynced('ok');
        this.queue.forget(key);
        if (again !== undefined) this.queue.addAfter(key, again);
      } catch (err) {
        this.opts.metrics?.podSynced('error');
        this.opts.log?.('pod sync failed; retrying', { key, error: (err as Error).message });
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async reconcile(key: string): Promise<number | undefined> {
    const pod = this.informer.get(key);
    const uid = this.known.get(key);
    if (uid && uid !== pod?.metadata.uid) {
      await this.syncer.teardown(uid);
      this.known.delete(key);
    }
    if (!pod) return undefined;
    if (pod.metadata.deletionTimestamp) {
      await this.syncer.terminate(pod);
      this.known.delete(key);
      return undefined;
    }
    this.known.set(key, pod.metadata.uid!);
    return this.syncer.sync(key, pod);
  }

  /** Sandboxes, containers and volumes of pods no longer bound here (deleted while the agent was down). */
  private async removeOrphans(): Promise<void> {
    const live = new Set(this.informer.list().map((p) => p.metadata.uid));
    const sandboxes = (await this.opts.runtime.listPodSandboxes()).map((s) => s.podId);
    const containers = (await this.opts.runtime.listContainers()).map((c) => c.podId);
    const volumes = await this.volumes?.podUids() ?? [];
    for (const uid of new Set([...sandboxes, ...containers, ...volumes])) {
      if (live.has(uid)) continue;
      this.opts.log?.('removing an orphaned pod sandbox', { uid });
      await this.syncer.teardown(uid);
    }
  }

  private onProbe(change: ProbeChange): void {
    if (change.result === 'failure') {
      const pod = this.informer.get(change.podKey);
      if (pod) this.opts.events?.record(pod, 'Warning', 'Unhealthy', `${PROBE_NAMES[change.kind]} probe failed: ${change.message}`);
    }
    this.queue.add(change.podKey);
  }
}
