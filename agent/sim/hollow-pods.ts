/**
 * The pod side of a hollow fleet: ONE watch of every bound pod, dispatched to the fleet's nodes. A pod bound
 * to a hollow node is reported Running and Ready after the start delay; a pod being deleted is confirmed
 * gone (delete with grace period 0, which the registry waits for); Succeeded/Failed pods are left as they are.
 */
import type { ApiClient } from '../../control/client/client.js';
import { Informer } from '../../control/client/informer.js';
import type { ResourceClient } from '../../control/client/resource-client.js';
import { ControllerLoop, type Reconciler } from '../../control/controllers/controller.js';
import type { Pod } from '../../api/types/core.js';
import { runningPodStatus } from '../pods/pod-status.js';
import { isNotFound, isTransient } from '../util/retry.js';
import type { PodAddressPool } from './addresses.js';
import { simRunningView } from './sim-runtime.js';

/** A hollow node as the pod loop needs it. */
export interface HollowHost {
  hostIP: string;
  pods: PodAddressPool;
}

/** What the loop remembers of a pod on one of its nodes. */
export interface PodRecord {
  uid: string;
  node: string;
  /** When the loop first saw the pod bound here (ms since the epoch): the start delay counts from it. */
  seenAt: number;
  /** The address handed out to it, to give back when it goes. */
  ip?: string;
  /** Its Running/Ready status has been written (or found, from an earlier run). */
  running: boolean;
}

export type PodAction =
  | { kind: 'none' }
  | { kind: 'confirm-delete' }
  | { kind: 'finished' }
  | { kind: 'adopt' }
  | { kind: 'wait'; ms: number }
  | { kind: 'start' };

function runningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && !!pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** What to do next for a pod bound to a hollow node. Pure. */
export function podAction(pod: Pod, record: PodRecord | undefined, nowMs: number, startDelayMs: number): PodAction {
  if (pod.metadata.deletionTimestamp) return { kind: 'confirm-delete' };
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return { kind: 'finished' };
  if (record?.running) return { kind: 'none' };
  if (!record && runningAndReady(pod)) return { kind: 'adopt' };
  const wait = (record?.seenAt ?? nowMs) + startDelayMs - nowMs;
  return wait > 0 ? { kind: 'wait', ms: wait } : { kind: 'start' };
}

export interface HollowPodStats {
  running: number;
  statusWrites: number;
  deletionsConfirmed: number;
  errors: number;
}

export interface HollowPodsOptions {
  startDelayMs: number;
  /** Writes in flight at most. */
  workers: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Runs the pods of the hosts `hostFor` knows, from one shared informer over all bound pods. */
export class HollowPods implements Reconciler {
  private readonly pods: ResourceClient<Pod>;
  private readonly informer: Informer<Pod>;
  private readonly loop: ControllerLoop<Pod>;
  private readonly records = new Map<string, PodRecord>();
  readonly stats: HollowPodStats = { running: 0, statusWrites: 0, deletionsConfirmed: 0, errors: 0 };

  constructor(client: ApiClient, private readonly hostFor: (nodeName: string) => HollowHost | undefined, private readonly opts: HollowPodsOptions) {
    this.pods = client.resource<Pod>('pods');
    this.informer = new Informer(this.pods, { fieldSelector: 'spec.nodeName!=' });
    this.loop = new ControllerLoop(this.informer, this, { name: 'hollow-pods', workers: opts.workers, log: opts.log });
  }

  /** Resolves once every bound pod has been listed; work continues in the background. */
  start(): Promise<void> {
    return this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async reconcile(key: string): Promise<number | undefined> {
    const pod = this.informer.get(key);
    const known = this.records.get(key);
    if (known && (!pod || pod.metadata.uid !== known.uid)) this.forget(key, known);
    const host = pod?.spec.nodeName ? this.hostFor(pod.spec.nodeName) : undefined;
    if (!pod || !host) return undefined;
    const record = this.records.get(key);
    const action = podAction(pod, record, Date.now(), this.opts.startDelayMs);
    try {
      return await this.apply(key, pod, host, record, action);
    } catch (err) {
      this.stats.errors++;
      // Transient failures come back through the queue with backoff; others would fail the same way again.
      if (isTransient(err)) throw err;
      this.opts.log?.('hollow-pods: giving up on a pod', { key, action: action.kind, error: (err as Error).message });
      return undefined;
    }
  }

  private async apply(key: string, pod: Pod, host: HollowHost, record: PodRecord | undefined, action: PodAction): Promise<number | undefined> {
    const { name, namespace } = pod.metadata;
    switch (action.kind) {
      case 'none':
        return undefined;
      case 'confirm-delete':
        try {
          await this.pods.delete(name!, namespace, { gracePeriodSeconds: 0 });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        this.stats.deletionsConfirmed++;
        if (record) this.forget(key, record);
        return undefined;
      case 'finished':
        if (record) this.forget(key, record);
        return undefined;
      case 'adopt': {
        const ip = pod.status?.podIP && !pod.spec.hostNetwork && host.pods.reserve(pod.status.podIP) ? pod.status.podIP : undefined;
        this.remember(key, { uid: pod.metadata.uid!, node: pod.spec.nodeName!, seenAt: Date.now(), ip, running: true });
        return undefined;
      }
      case 'wait':
        if (!record) this.remember(key, { uid: pod.metadata.uid!, node: pod.spec.nodeName!, seenAt: Date.now(), running: false });
        return action.ms;
      case 'start': {
        const rec = record ?? this.remember(key, { uid: pod.metadata.uid!, node: pod.spec.nodeName!, seenAt: Date.now(), running: false });
        if (!pod.spec.hostNetwork) rec.ip ??= host.pods.allocate();
        const status = runningPodStatus(pod, simRunningView(pod, host.hostIP, rec.ip ?? host.hostIP, new Date()), new Date());
        await this.pods.patch(name!, { status }, 'application/merge-patch+json', namespace, 'status');
        this.stats.statusWrites++;
        rec.running = true;
        this.stats.running++;
        return undefined;
      }
    }
  }

  private remember(key: string, record: PodRecord): PodRecord {
    this.records.set(key, record);
    if (record.running) this.stats.running++;
    return record;
  }

  private forget(key: string, record: PodRecord): void {
    this.records.delete(key);
    if (record.running) this.stats.running--;
    if (record.ip) this.hostFor(record.node)?.pods.release(record.ip);
  }
}
