/**
 * The scheduling queue, after kube-scheduler's PriorityQueue: three sub-queues.
 * - active: pods to try now, highest priority first, then oldest first;
 * - backoff: pods that failed recently, waiting out an exponential backoff (per pod, by attempts);
 * - unschedulable: pods no node fits; they move back only when a cluster event could change that
 *   (one the rejecting plugins registered for), or after `unschedulableTimeoutMs` as a safety net.
 */
import type { PodInfo } from '../framework/pod-info.js';
import type { ClusterEvent } from '../framework/types.js';
import { KeyedHeap } from './heap.js';

const PARKED_SWEEP_MS = 5000;

export interface QueuedPod {
  podInfo: PodInfo;
  /** Scheduling attempts so far; drives the backoff. */
  attempts: number;
  /** When it entered the queue the first time (ms): the start of its end-to-end latency. */
  firstQueuedAt: number;
  /** When it was last (re)queued: the tie-break after priority. */
  queuedAt: number;
  /** Plugins that rejected it in its last attempt: only events they care about move it. */
  rejectedBy: Set<string>;
  backoffUntil: number;
  /** The node preemption promised it: a pod freed elsewhere does not concern it while it waits for its victims. */
  nominatedNode?: string;
}

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  unschedulableTimeoutMs?: number;
  /** For each plugin, the cluster events after which a pod it rejected may fit. */
  pluginEvents: ReadonlyMap<string, ReadonlySet<ClusterEvent>>;
  now?: () => number;
}

export interface QueueLengths {
  active: number;
  backoff: number;
  unschedulable: number;
}

function byPriorityThenAge(a: QueuedPod, b: QueuedPod): boolean {
  if (a.podInfo.priority !== b.podInfo.priority) return a.podInfo.priority > b.podInfo.priority;
  return a.queuedAt < b.queuedAt;
}

export class SchedulingQueue {
  private readonly active = new KeyedHeap<QueuedPod>((q) => q.podInfo.key, byPriorityThenAge);
  private readonly backoff = new KeyedHeap<QueuedPod>((q) => q.podInfo.key, (a, b) => a.backoffUntil < b.backoffUntil);
  private readonly unschedulable = new Map<string, QueuedPod & { since: number }>();
  /** Pods handed out by pop() and not yet finished: updates to them are remembered, not queued twice. */
  private readonly inFlight = new Map<string, QueuedPod>();
  private waiter: ((q: QueuedPod | undefined) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Counts pops; a move request during a pod's cycle sends it to backoff rather than unschedulable (it may have missed the event). */
  private cycle = 0;
  private lastParkedSweep = 0;
  private moveRequestCycle = -1;
  private readonly now: () => number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly unschedulableTimeoutMs: number;

  constructor(private readonly opts: QueueOptions) {
    this.now = opts.now ?? Date.now;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.unschedulableTimeoutMs = opts.unschedulableTimeoutMs ?? 5 * 60_000;
  }

  lengths(): QueueLengths {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  /** A new pending pod. */
  add(podInfo: PodInfo): void {
    const key = podInfo.key;
    if (this.inFlight.has(key)) {
      this.inFlight.get(key)!.podInfo = podInfo;
      return;
    }
    const existing = this.active.get(key) ?? this.backoff.get(key) ?? this.unschedulable.get(key);
    if (existing) return this.update(podInfo);
    const now = this.now();
    this.pushActive({ podInfo, attempts: 0, firstQueuedAt: now, queuedAt: now, rejectedBy: new Set(), backoffUntil: 0 });
  }

  /** The pod changed: its new spec may fit now, so an unschedulable pod gets another try. */
  update(podInfo: PodInfo): void {
    const key = podInfo.key;
    const inFlight = this.inFlight.get(key);
    if (inFlight) {
      inFlight.podInfo = podInfo;
      return;
    }
    const queued = this.active.get(key) ?? this.backoff.get(key);
    if (queued) {
      queued.podInfo = podInfo;
      (this.active.has(key) ? this.active : this.backoff).push(queued);
      return;
    }
    const parked = this.unschedulable.get(key);
    if (parked) {
      this.unschedulable.delete(key);
      parked.podInfo = podInfo;
      this.requeue(parked);
      return;
    }
    this.add(podInfo);
  }

  delete(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /** The next pod to schedule; waits for one. Resolves undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    const next = this.takeActive();
    if (next || this.closed) return Promise.resolve(next);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Synchronous pop for callers draining the queue in a batch; undefined when nothing is active. */
  tryPop(): QueuedPod | undefined {
    return this.takeActive();
  }

  /**
   * The pod's attempt failed. `rejectedBy` empty means an error (not a verdict): it backs off and retries.
   * Otherwise it parks as unschedulable, unless something moved while it was being scheduled.
   */
  requeueFailed(q: QueuedPod, rejectedBy: Iterable<string>, podCycle: number, nominatedNode?: string): void {
    if (!this.inFlight.has(q.podInfo.key)) return; // deleted meanwhile
    this.inFlight.delete(q.podInfo.key);
    q.rejectedBy = new Set(rejectedBy);
    q.nominatedNode = nominatedNode;
    q.backoffUntil = this.now() + this.backoffFor(q.attempts);
    if (q.rejectedBy.size === 0 || this.moveRequestCycle >= podCycle) this.pushBackoff(q);
    else {
      this.unschedulable.set(q.podInfo.key, { ...q, since: this.now() });
      if (!this.timer) this.armTimer();
    }
  }

  /** The pod was scheduled (or left the scheduler's hands): forget it. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** The cycle number of the most recent pop, to hand back to requeueFailed. */
  get currentCycle(): number {
    return this.cycle;
  }

  /**
   * A cluster event happened (on `nodeName`, for pod events): pods rejected by a plugin that cares about it get
   * another try. A pod waiting for its preemption victims only cares about pods leaving its nominated node,
   * so a wave of preemptions does not wake every waiting preemptor on each deletion.
   */
  onClusterEvent(event: ClusterEvent, nodeName?: string): void {
    this.moveRequestCycle = this.cycle;
    for (const [key, q] of this.unschedulable) {
      if (event === 'AssignedPodDelete' && q.nominatedNode && nodeName && q.nominatedNode !== nodeName) continue;
      if (this.mayFitAfter(q, event)) {
        this.unschedulable.delete(key);
        this.requeue(q);
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }

  private mayFitAfter(q: QueuedPod, event: ClusterEvent): boolean {
    for (const plugin of q.rejectedBy) {
      const events = this.opts.pluginEvents.get(plugin);
      // A plugin that registered nothing could be helped by anything.
      if (!events || events.has(event)) return true;
    }
    return false;
  }

  private backoffFor(attempts: number): number {
    return Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.max(0, attempts - 1));
  }

  /** Back to active if its backoff is over, else to backoff. */
  private requeue(q: QueuedPod): void {
    if (q.backoffUntil > this.now()) this.pushBackoff(q);
    else this.pushActive(q);
  }

  private pushActive(q: QueuedPod): void {
    q.queuedAt = this.now();
    this.active.push(q);
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w(this.takeActive());
    }
  }

  private pushBackoff(q: QueuedPod): void {
    this.backoff.push(q);
    this.armTimer();
  }

  private takeActive(): QueuedPod | undefined {
    this.flush();
    const q = this.active.pop();
    if (!q) return undefined;
    q.attempts++;
    this.cycle++;
    this.inFlight.set(q.podInfo.key, q);
    return q;
  }

  /** Moves pods whose backoff has ended, and pods parked as unschedulable for too long, to active. */
  private flush(): void {
    const now = this.now();
    for (let q = this.backoff.peek(); q && q.backoffUntil <= now; q = this.backoff.peek()) {
      this.backoff.pop();
      this.active.push(q);
    }
    // The safety net is coarse (checked at most every few seconds): the map can hold many thousands of pods.
    if (now - this.lastParkedSweep < PARKED_SWEEP_MS) return;
    this.lastParkedSweep = now;
    for (const [key, q] of this.unschedulable) {
      if (now - q.since >= this.unschedulableTimeoutMs) {
        this.unschedulable.delete(key);
        this.requeue(q);
      }
    }
  }

  /** One timer for the earliest backoff expiry (and the unschedulable safety net), not one per pod. */
  private armTimer(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    const next = this.backoff.peek();
    const delay = next ? Math.max(0, next.backoffUntil - this.now()) : PARKED_SWEEP_MS;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
      if (this.waiter && this.active.size) {
        const w = this.waiter;
        this.waiter = undefined;
        w(this.takeActive());
      }
      if (this.backoff.size || this.unschedulable.size) this.armTimer();
    }, Math.min(delay, PARKED_SWEEP_MS));
    this.timer.unref();
  }
}
