import { Fifo } from './fifo.js';
import { MinHeap } from './min-heap.js';

/** The golden ratio's fractional part: successive multiples of it fill [0, 1) evenly whatever their count. */
const GOLDEN_FRACTION = (Math.sqrt(5) - 1) / 2;

export interface SpreadSchedulerOptions<K> {
  intervalMs: number;
  /** Runs in flight at most. */
  concurrency: number;
  /** The periodic work for one key; a rejection is passed to `onError` and the key keeps its schedule. */
  run: (key: K) => Promise<void>;
  onError?: (key: K, err: unknown) => void;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
  /** How often due keys are collected; default a twentieth of the interval, within [10, 1000] ms. */
  tickMs?: number;
}

interface Slot<K> {
  key: K;
  /** Where in each interval this key's turn falls, in ms. */
  phase: number;
  due: number;
  removed: boolean;
}

/**
 * Runs `run(key)` once per interval for each of many keys with one timer for all of them (not one per key).
 * Guarantees: a key's first run is queued as soon as it is added; after that its turns fall at its own phase
 * of the interval, phases spread evenly over the interval whatever the number of keys; at most `concurrency`
 * runs are in flight; a key never has two runs at once (an overrunning key takes its next turn late).
 */
export class SpreadScheduler<K> {
  private readonly heap = new MinHeap<Slot<K>>((a, b) => a.due < b.due);
  private readonly slots = new Map<K, Slot<K>>();
  private readonly ready = new Fifo<Slot<K>>();
  private readonly now: () => number;
  private inFlight = 0;
  private phases = 0;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private drained: (() => void)[] = [];

  constructor(private readonly opts: SpreadSchedulerOptions<K>) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.slots.size;
  }

  add(key: K): void {
    if (this.slots.has(key)) return;
    const slot: Slot<K> = { key, phase: ((this.phases++ * GOLDEN_FRACTION) % 1) * this.opts.intervalMs, due: this.now(), removed: false };
    this.slots.set(key, slot);
    this.ready.push(slot);
    this.pump();
  }

  remove(key: K): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    slot.removed = true;
    this.slots.delete(key);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const tick = this.opts.tickMs ?? Math.min(1000, Math.max(10, this.opts.intervalMs / 20));
    this.timer = setInterval(() => this.tick(), tick);
    this.pump();
  }

  /** Stops starting runs and resolves once the runs in flight have finished. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  /** Queues every key whose turn has come and starts runs up to the concurrency bound (the timer calls it; tests call it directly). */
  tick(): void {
    const now = this.now();
    for (let top = this.heap.peek(); top && top.due <= now; top = this.heap.peek()) {
      this.heap.pop();
      if (!top.removed) this.ready.push(top);
    }
    this.pump();
  }

  private pump(): void {
    while (this.running && this.inFlight < this.opts.concurrency) {
      const slot = this.ready.shift();
      if (!slot) return;
      if (!slot.removed) this.dispatch(slot);
    }
  }

  private dispatch(slot: Slot<K>): void {
    this.inFlight++;
    slot.due = this.nextTurn(slot.phase);
    this.opts.run(slot.key)
      .catch((err: unknown) => this.opts.onError?.(slot.key, err))
      .finally(() => {
        this.inFlight--;
        if (this.running && !slot.removed) this.heap.push(slot);
        this.pump();
        if (this.inFlight === 0) for (const resolve of this.drained.splice(0)) resolve();
      });
  }

  /** The first time at this phase at least half an interval from now: one interval after a turn taken on time. */
  private nextTurn(phase: number): number {
    const interval = this.opts.intervalMs;
    const earliest = this.now() + interval / 2;
    const offset = (((phase - earliest) % interval) + interval) % interval;
    return earliest + offset;
  }
}
