/**
 * Spreads snapshot pushes over the event loop. Contract:
 * - changes within `coalesceMs` of the first become one push per stream: each stream gets the latest snapshot
 *   with the union of the diffs since its last push (so a burst of informer events costs one response per type);
 * - pushes run in slices of at most ~`sliceMs`, with a setImmediate between slices, so the client requests that
 *   arrived meanwhile (ACKs, new subscriptions) are read between slices instead of after the whole fleet;
 * - a change arriving mid-way re-queues the streams already pushed (at the end) and updates the snapshot the
 *   others will get; a stream that closed is forgotten.
 */
import { performance } from 'node:perf_hooks';
import type { Snapshot } from './snapshot-cache.js';
import type { SnapshotDiff } from './snapshot-diff.js';
import type { ResourceType } from './protos.js';

export interface PushSchedulerOptions {
  /** A change burst within this window becomes one push per stream (default 5 ms). */
  coalesceMs?: number;
  /** How long one slice of pushes may hold the event loop (default 10 ms). */
  sliceMs?: number;
}

/** The names changed by either diff. */
export function mergeDiffs(a: SnapshotDiff, b: SnapshotDiff): SnapshotDiff {
  const out = new Map<ResourceType, ReadonlySet<string>>(a);
  for (const [type, names] of b) {
    const mine = out.get(type);
    out.set(type, mine ? new Set([...mine, ...names]) : names);
  }
  return out;
}

export class PushScheduler<S> {
  /** Stream → the changes since its last push, in the order streams will be visited. */
  private readonly pending = new Map<S, SnapshotDiff>();
  private snapshot: Snapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly coalesceMs: number;
  private readonly sliceMs: number;

  constructor(private readonly push: (stream: S, snapshot: Snapshot, diff: SnapshotDiff) => void, opts: PushSchedulerOptions = {}) {
    this.coalesceMs = opts.coalesceMs ?? 5;
    this.sliceMs = opts.sliceMs ?? 10;
  }

  /** A new `snapshot`, differing from the previous one by `diff`, for `streams`. */
  enqueue(snapshot: Snapshot, diff: SnapshotDiff, streams: Iterable<S>): void {
    this.snapshot = snapshot;
    // Streams that were pending together share one merged diff.
    const merged = new Map<SnapshotDiff, SnapshotDiff>();
    for (const s of streams) {
      const before = this.pending.get(s);
      if (!before) {
        this.pending.set(s, diff);
        continue;
      }
      let both = merged.get(before);
      if (!both) merged.set(before, (both = mergeDiffs(before, diff)));
      this.pending.set(s, both);
    }
    if (this.pending.size > 0 && !this.timer && !this.immediate) {
      this.timer = setTimeout(() => { this.timer = undefined; this.drain(); }, this.coalesceMs);
    }
  }

  forget(stream: S): void {
    this.pending.delete(stream);
  }

  /** Streams still waiting for a push. */
  get waiting(): number {
    return this.pending.size;
  }

  stop(): void {
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = this.immediate = undefined;
    this.pending.clear();
  }

  private drain(): void {
    const until = performance.now() + this.sliceMs;
    for (const [stream, diff] of this.pending) {
      this.pending.delete(stream);
      this.push(stream, this.snapshot!, diff);
      if (performance.now() >= until) break;
    }
    if (this.pending.size > 0) this.immediate = setImmediate(() => { this.immediate = undefined; this.drain(); });
  }
}
