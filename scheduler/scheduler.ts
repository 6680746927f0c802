/**
 * The scheduler: informers keep the cache (nodes, bound pods, namespaces) and the queue (pending pods)
 * current; one loop pops the most important pending pod, runs its profile's framework against the cache,
 * assumes the chosen node and binds asynchronously, so many binds travel while the next pods are placed.
 * It never lists the API during a cycle; everything it reads is in memory.
 */
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { ApiError } from '../api/errors.js';
import type { Namespace, Node, Pod } from '../api/types/core.js';
import type { ApiClient } from '../control/client/client.js';
import { EventRecorder } from '../control/client/event-recorder.js';
import { Informer } from '../control/client/informer.js';
import type { PodDisruptionBudget } from '../api/types/policy.js';
import { SchedulerCache } from './cache/scheduler-cache.js';
import { buildFramework } from './config/build-profile.js';
import { DEFAULT_SCHEDULER_NAME, type SchedulerConfig } from './config/scheduler-config.js';
import { CycleState } from './framework/cycle-state.js';
import { fitErrorMessage } from './framework/fit-error.js';
import type { Framework } from './framework/framework.js';
import { PodNominator } from './framework/nominator.js';
import { PodInfo, podKey } from './framework/pod-info.js';
import type { ClusterEvent, Plugin } from './framework/types.js';
import { ApiWriter } from './api-writer.js';
import { SchedulerMetrics } from './metrics.js';
import { DEFAULT_PLUGINS, pluginRegistry } from './plugins/registry.js';
import { SchedulingQueue, type QueuedPod } from './queue/scheduling-queue.js';
import { labelsChanged, nodeEvents, podChangedForScheduling } from './cluster-events.js';
import { findHost, rejectingPlugins } from './schedule-cycle.js';

export interface SchedulerOptions {
  client: ApiClient;
  config: SchedulerConfig;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

type Log = NonNullable<SchedulerOptions['log']>;

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly metrics: SchedulerMetrics;
  readonly events: EventRecorder;
  private readonly nominator = new PodNominator();
  private readonly frameworks = new Map<string, Framework>();
  private readonly writer: ApiWriter;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly namespaces: Informer<Namespace>;
  private readonly budgets: Informer<PodDisruptionBudget>;
  private readonly log: Log;
  private bindsInFlight = 0;
  private bindSlotFreed: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private running = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.log = opts.log ?? (() => {});
    this.events = new EventRecorder(opts.client, { component: DEFAULT_SCHEDULER_NAME, maxQueued: 2000, concurrency: 8 });
    this.writer = new ApiWriter(opts.client, this.events, DEFAULT_SCHEDULER_NAME);
    const pluginEvents = new Map<string, Set<ClusterEvent>>();
    for (const profile of opts.config.profiles) {
      const fwk = buildFramework(profile, pluginRegistry, DEFAULT_PLUGINS, { snapshot: () => this.cache, api: this.writer, nominator: this.nominator, disruptionBudgets: () => this.budgets.list(), log: this.log },
        opts.config.percentageOfNodesToScore, (node, pod) => this.nominator.nominatedTo(node, pod.priority, pod.key));
      this.frameworks.set(profile.schedulerName, fwk);
      for (const p of allPlugins(fwk)) if (p.requeueOn) pluginEvents.set(p.name, new Set(p.requeueOn));
    }
    this.queue = new SchedulingQueue({
      initialBackoffMs: opts.config.podInitialBackoffSeconds * 1000,
      maxBackoffMs: opts.config.podMaxBackoffSeconds * 1000,
      pluginEvents,
    });
    this.metrics = new SchedulerMetrics(() => this.queue.lengths(), () => this.bindsInFlight);
    this.pods = new Informer(opts.client.resource<Pod>('pods'), { pageSize: 5000 });
    this.nodes = new Informer(opts.client.resource<Node>('nodes'), { pageSize: 5000 });
    this.namespaces = new Informer(opts.client.resource<Namespace>('namespaces'));
    this.budgets = new Informer(opts.client.resource<PodDisruptionBudget>('poddisruptionbudgets'));
  }

  /** Starts the informers (nodes and namespaces before pods, so the first pods meet a full cache) and the loop. */
  async start(): Promise<void> {
    this.namespaces.on('add', (ns) => this.cache.setNamespace(ns.metadata.name!, ns.metadata.labels));
    this.namespaces.on('update', (old, ns) => {
      this.cache.setNamespace(ns.metadata.name!, ns.metadata.labels);
      if (labelsChanged(old, ns)) this.queue.onClusterEvent('NamespaceLabelChange');
    });
    this.namespaces.on('delete', (ns) => this.cache.removeNamespace(ns.metadata.name!));
    this.nodes.on('add', (node) => {
      this.cache.setNode(node);
      this.queue.onClusterEvent('NodeAdd');
    });
    this.nodes.on('update', (old, node) => {
      this.cache.setNode(node);
      for (const e of nodeEvents(old, node)) this.queue.onClusterEvent(e);
    });
    this.nodes.on('delete', (node) => this.cache.removeNode(node.metadata.name!));
    this.pods.on('add', (pod) => this.onPod(undefined, pod));
    this.pods.on('update', (old, pod) => this.onPod(old, pod));
    this.pods.on('delete', (pod) => this.onPodDeleted(pod));
    for (const inf of [this.namespaces, this.nodes, this.pods, this.budgets] as Informer[]) {
      inf.on('retrying', (err) => this.log('informer retrying', { error: err.message }));
    }
    await this.namespaces.start();
    await this.budgets.start();
    await this.nodes.start();
    await this.pods.start();
    this.running = true;
    this.loop = this.run();
    this.log('scheduler started', { profiles: [...this.frameworks.keys()], nodes: this.cache.nodes.length, pending: this.queue.lengths().active });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.queue.close();
    await this.loop;
    await Promise.all([this.pods.stop(), this.nodes.stop(), this.namespaces.stop(), this.budgets.stop()]);
    while (this.bindsInFlight > 0) await new Promise<void>((resolve) => { this.bindSlotFreed = resolve; });
    await this.events.flush();
  }

  private isTerminal(pod: Pod): boolean {
    return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  }

  private onPod(old: Pod | undefined, pod: Pod): void {
    const key = podKey(pod);
    if (pod.spec.nodeName) {
      this.queue.delete(key);
      this.nominator.forget(key);
      if (this.isTerminal(pod)) {
        // A finished pod holds no resources on its node any more.
        if (this.cache.removePod(key)) this.queue.onClusterEvent('AssignedPodDelete', pod.spec.nodeName);
        return;
      }
      const wasKnown = this.cache.nodeOf(key) !== undefined && !this.cache.isAssumed(key);
      this.cache.setBoundPod(pod);
      if (!wasKnown) this.queue.onClusterEvent('AssignedPodAdd');
      else if (old && labelsChanged(old, pod)) this.queue.onClusterEvent('AssignedPodLabelChange');
      return;
    }
    if (!this.frameworks.has(pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) || this.isTerminal(pod) || pod.metadata.deletionTimestamp) {
      this.queue.delete(key);
      return;
    }
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) this.nominator.nominate(new PodInfo(pod), nominated);
    if (!old) this.queue.add(new PodInfo(pod));
    // Our own status writes (conditions, nomination) must not wake the pod up: only what it asks for matters.
    else if (podChangedForScheduling(old, pod)) this.queue.update(new PodInfo(pod));
  }

  private onPodDeleted(pod: Pod): void {
    const key = podKey(pod);
    this.queue.delete(key);
    this.nominator.forget(key);
    if (this.cache.removePod(key)) this.queue.onClusterEvent('AssignedPodDelete', pod.spec.nodeName);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const q = await this.queue.pop();
      if (!q) return;
      try {
        await this.scheduleOne(q);
      } catch (err) {
        this.log('scheduling cycle failed', { pod: q.podInfo.key, error: (err as Error).stack ?? String(err) });
        this.queue.requeueFailed(q, [], this.queue.currentCycle);
      }
      while (this.bindsInFlight >= this.opts.config.parallelBinds) await new Promise<void>((resolve) => { this.bindSlotFreed = resolve; });
      // Let informer events and bind responses in between pods, so the cache stays current.
      await yieldToIo();
    }
  }

  private async scheduleOne(q: QueuedPod): Promise<void> {
    const cycle = this.queue.currentCycle;
    const podInfo = q.podInfo;
    const pod = this.pods.get(podInfo.key) ?? podInfo.pod;
    const profile = pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    const fwk = this.frameworks.get(profile);
    if (!fwk || pod.spec.nodeName || pod.metadata.deletionTimestamp || this.cache.nodeOf(podInfo.key) !== undefined) {
      this.queue.done(podInfo.key);
      return;
    }
    const started = performance.now();
    const state = new CycleState();
    const outcome = findHost(fwk, this.cache, podInfo, state);
    if (outcome.host === undefined) {
      let message = fitErrorMessage(this.cache.nodes.length, outcome.rejected, outcome.preFilter);
      let nominated = pod.status?.nominatedNodeName;
      if (!outcome.preFilter || outcome.preFilter.code === 'Unschedulable') {
        const post = await fwk.runPostFilter(state, podInfo, outcome.rejected);
        if (post) {
          this.metrics.preemptionAttempts.inc();
          if (post.nominatedNodeName) this.metrics.preemptionVictims.observe(post.victims ?? 0);
          nominated = post.nominatedNodeName ?? nominated;
          message += ` ${post.status.message()}`;
        }
      }
      this.metrics.attempts.inc({ result: 'unschedulable', profile });
      this.metrics.attemptDuration.observe({ result: 'unschedulable', profile }, (performance.now() - started) / 1000);
      this.fail(q, rejectingPlugins(outcome), cycle, 'FailedScheduling', message, nominated);
      return;
    }
    const host = outcome.host;
    this.cache.assume(podInfo, host);
    const reserved = fwk.runReserve(state, podInfo, host);
    if (reserved) {
      this.cache.forget(podInfo.key);
      this.fail(q, [reserved.plugin], cycle, 'FailedScheduling', reserved.message());
      return;
    }
    this.metrics.attemptDuration.observe({ result: 'scheduled', profile }, (performance.now() - started) / 1000);
    this.bindsInFlight++;
    void this.bindCycle(fwk, state, q, host, cycle).finally(() => {
      this.bindsInFlight--;
      const freed = this.bindSlotFreed;
      this.bindSlotFreed = undefined;
      freed?.();
    });
  }

  private async bindCycle(fwk: Framework, state: CycleState, q: QueuedPod, host: string, cycle: number): Promise<void> {
    const { podInfo } = q;
    const profile = fwk.profileName;
    const permit = await fwk.runPermit(state, podInfo, host, async (ms) => {
      await new Promise((r) => setTimeout(r, ms));
      return undefined;
    });
    const bindStart = performance.now();
    const status = permit ?? (await fwk.runBind(state, podInfo, host));
    if (!status || status.isSuccess()) {
      this.metrics.bindDuration.observe((performance.now() - bindStart) / 1000);
      this.metrics.attempts.inc({ result: 'scheduled', profile });
      this.metrics.e2eLatency.observe({ attempts: String(Math.min(q.attempts, 5)) }, (Date.now() - q.firstQueuedAt) / 1000);
      this.queue.done(podInfo.key);
      this.nominator.forget(podInfo.key);
      this.events.record(podInfo.pod, 'Normal', 'Scheduled', `Successfully assigned ${podInfo.key} to ${host}`);
      return;
    }
    this.cache.forget(podInfo.key);
    fwk.runUnreserve(state, podInfo, host);
    this.metrics.attempts.inc({ result: 'error', profile });
    const latest = this.pods.get(podInfo.key);
    if (!latest || latest.spec.nodeName) {
      // Deleted, or bound meanwhile (by someone else): nothing left to do.
      this.queue.done(podInfo.key);
      return;
    }
    this.log('bind failed', { pod: podInfo.key, node: host, error: status.message() });
    this.queue.requeueFailed(q, [], cycle);
    this.events.record(latest, 'Warning', 'FailedScheduling', `Binding rejected: ${status.message()}`);
  }

  private fail(q: QueuedPod, rejectedBy: string[], cycle: number, reason: string, message: string, nominatedNode?: string): void {
    this.queue.requeueFailed(q, rejectedBy, cycle, nominatedNode);
    const pod = this.pods.get(q.podInfo.key);
    if (!pod) return;
    this.events.record(pod, 'Warning', reason, message);
    this.writer.reportUnschedulable(pod, message).catch((err: unknown) => {
      if (!(err instanceof ApiError && err.code === 404)) this.log('could not record unschedulable status', { pod: q.podInfo.key, error: (err as Error).message });
    });
  }
}

function allPlugins(fwk: Framework): Plugin[] {
  const p = fwk.plugins;
  return [...p.preFilter, ...p.filter, ...p.postFilter, ...p.preScore, ...p.score.map((s) => s.plugin), ...p.reserve, ...p.permit, ...p.bind];
}

