/** Per-key exponential backoff, as client-go's ItemExponentialFailureRateLimiter. */
export class ExponentialBackoff<K> {
  private readonly failures = new Map<K, number>();

  constructor(private readonly baseMs = 5, private readonly maxMs = 1000_000) {}

  next(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.baseMs * 2 ** n, this.maxMs);
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  retries(key: K): number {
    return this.failures.get(key) ?? 0;
  }
}

/**
 * A work queue with client-go's guarantees: a key queued many times is processed once; a key is never
 * processed by two workers at once (re-added while processing, it runs again after `done`); failed keys
 * come back with per-key exponential backoff.
 */
export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly timers = new Map<K, { timer: NodeJS.Timeout; due: number }>();
  private readonly waiting: ((key: K | undefined) => void)[] = [];
  private shuttingDown = false;

  constructor(private readonly backoff = new ExponentialBackoff<K>()) {}

  get length(): number {
    return this.queue.length;
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const waiter = this.waiting.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
    } else {
      this.queue.push(key);
    }
  }

  /** Adds `key` after `delayMs`; of several pending delays for one key, the earliest wins. */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const due = Date.now() + delayMs;
    const pending = this.timers.get(key);
    if (pending) {
      if (pending.due <= due) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, { timer, due });
  }

  /** Re-queues a key that failed, after its backoff. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.backoff.next(key));
  }

  /** The key succeeded: its backoff resets. */
  forget(key: K): void {
    this.backoff.forget(key);
  }

  retries(key: K): number {
    return this.backoff.retries(key);
  }

  /** The next key to process, or undefined once the queue is shut down. */
  get(): Promise<K | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Processing of `key` finished; if it was re-added meanwhile it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }
}
