import { ApiError } from '../../../api/errors.js';
import type { Node, Pod } from '../../../api/types/core.js';
import type { ApiClient } from '../../client/client.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { Informer } from '../../client/informer.js';
import { periodic, type Periodic } from '../../client/periodic.js';
import { isTerminated, missingNodes, planCollection, type Collect } from './plan.js';

export interface PodGCOptions {
  /** Terminated (Succeeded/Failed) pods kept at most, oldest deleted first; 0 keeps all (kube --terminated-pod-gc-threshold, 12500). */
  terminatedPodGCThreshold?: number;
  /** Time between passes (kube's gcCheckPeriod, 20 s; Cairn 5 s, in step with its faster node lifecycle). */
  gcCheckPeriodMs?: number;
  /**
   * How long a node missing from the cache stays in quarantine before a live read decides it is gone and its
   * pods are force-deleted (kube 40 s; Cairn 10 s): a lagging node cache must never cost a running pod.
   */
  quarantineMs?: number;
  now?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export const POD_GC_DEFAULTS = { terminatedPodGCThreshold: 12_500, gcCheckPeriodMs: 5000, quarantineMs: 10_000 } as const;

/**
 * kube-controller-manager's pod garbage collector (PodGC): every period, from its caches, it force-deletes the
 * pods no agent will ever confirm: bound to a node that is gone, terminating on an out-of-service node,
 * terminating unscheduled; and keeps the terminated pods under the threshold. A pod not yet ended is first
 * set Failed (with a DisruptionTarget condition when its node is gone), so whoever watches it sees it end.
 */
export class PodGCController {
  private readonly opts: Required<Omit<PodGCOptions, 'now' | 'log'>>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly recorder: EventRecorder;
  private readonly now: () => number;
  private readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Node names missing from the cache, with when they were first seen missing. */
  private readonly quarantine = new Map<string, number>();
  private loop?: Periodic;
  /** Pods this controller deleted, by reason (for tests and introspection). */
  readonly deleted = new Map<string, number>();

  constructor(private readonly client: ApiClient, options: PodGCOptions = {}) {
    const threshold = options.terminatedPodGCThreshold ?? POD_GC_DEFAULTS.terminatedPodGCThreshold;
    if (!Number.isInteger(threshold) || threshold < 0) {
      throw new Error(`terminatedPodGCThreshold (--terminated-pod-gc-threshold): must be a whole number >= 0 (0 keeps every terminated pod), got ${threshold}`);
    }
    this.opts = {
      terminatedPodGCThreshold: threshold,
      gcCheckPeriodMs: options.gcCheckPeriodMs ?? POD_GC_DEFAULTS.gcCheckPeriodMs,
      quarantineMs: options.quarantineMs ?? POD_GC_DEFAULTS.quarantineMs,
    };
    this.now = options.now ?? Date.now;
    this.log = options.log;
    this.pods = new Informer(client.resource<Pod>('pods'));
    this.nodes = new Informer(client.resource<Node>('nodes'));
    this.recorder = new EventRecorder(client, { component: 'pod-garbage-collector' });
  }

  async start(): Promise<void> {
    await Promise.all([this.pods.start(), this.nodes.start()]);
    this.loop = periodic(() => this.gc(), this.opts.gcCheckPeriodMs, {
      onError: (err) => this.log?.('pod-gc: pass failed', { error: (err as Error).message }),
    });
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    await Promise.all([this.pods.stop(), this.nodes.stop()]);
    await this.recorder.flush();
  }

  /** One pass. Deletions that fail are logged and tried again next pass (the plan is recomputed from the caches). */
  async gc(): Promise<void> {
    const pods = this.pods.list();
    const nodes = this.nodes.list();
    const now = this.now();
    const deletedNodes = await this.confirmDeletedNodes(missingNodes(pods, nodes), now);
    const plan = planCollection({
      pods, nodes, deletedNodes,
      terminatedThreshold: this.opts.terminatedPodGCThreshold,
      now: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    for (const action of plan) {
      try {
        await this.forceDelete(action);
        this.deleted.set(action.reason, (this.deleted.get(action.reason) ?? 0) + 1);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) continue;
        this.log?.('pod-gc: force deletion failed; retrying next pass', { pod: `${action.pod.metadata.namespace}/${action.pod.metadata.name}`, error: (err as Error).message });
      }
    }
  }

  /**
   * Keeps `missing` in quarantine and returns those whose quarantine is over and whose absence a live read
   * confirms. A confirmed name stays quarantined while pods still point to it, so a failed deletion is retried.
   */
  private async confirmDeletedNodes(missing: Set<string>, now: number): Promise<Set<string>> {
    for (const name of this.quarantine.keys()) if (!missing.has(name)) this.quarantine.delete(name);
    for (const name of missing) if (!this.quarantine.has(name)) this.quarantine.set(name, now);
    const gone = new Set<string>();
    for (const [name, since] of this.quarantine) {
      if (now - since < this.opts.quarantineMs) continue;
      try {
        await this.client.resource<Node>('nodes').get(name);
        this.quarantine.delete(name); // the cache lagged: the node exists
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) gone.add(name);
        else this.log?.('pod-gc: reading a missing node failed; retrying next pass', { node: name, error: (err as Error).message });
      }
    }
    return gone;
  }

  /** kube's markFailedAndDeletePod: a pod not yet ended is set Failed first, then deleted at once (uid-checked). */
  private async forceDelete({ pod, reason, message, condition }: Collect): Promise<void> {
    const { name, namespace, uid } = pod.metadata;
    const podClient = this.client.resource<Pod>('pods');
    if (!isTerminated(pod)) {
      // Written against the cached resourceVersion: a pod changed (or replaced) since is left for the next pass.
      const others = (pod.status?.conditions ?? []).filter((c) => c.type !== condition?.type);
      const status = { ...pod.status, phase: 'Failed' as const, ...(condition ? { conditions: [...others, condition] } : {}) };
      await podClient.updateStatus({ ...pod, status });
    }
    await podClient.delete(name!, namespace, { gracePeriodSeconds: 0, ...(uid ? { preconditions: { uid } } : {}) });
    this.log?.('pod-gc: force-deleted pod', { pod: `${namespace}/${name}`, reason });
    this.recorder.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Normal', reason, message);
  }
}
