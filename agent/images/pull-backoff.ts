/**
 * Per-image pull back-off, as the kubelet does it: after a failed pull the image is not tried again for
 * 10 s, then 20 s, 40 s … up to 5 min. A success clears it; a failure long after the previous one (more
 * than twice the maximum) starts again from the initial delay.
 */

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

interface Entry {
  delayMs: number;
  lastFailure: number;
  message: string;
}

export class PullBackoff {
  private readonly entries = new Map<string, Entry>();
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(options: BackoffOptions = {}, private readonly now: () => number = Date.now) {
    this.initialMs = options.initialMs ?? 10_000;
    this.maxMs = options.maxMs ?? 300_000;
  }

  /** While `key` is backing off: the time left and the failure that caused it; otherwise undefined. */
  current(key: string): { remainingMs: number; message: string } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const remainingMs = entry.lastFailure + entry.delayMs - this.now();
    return remainingMs > 0 ? { remainingMs, message: entry.message } : undefined;
  }

  failed(key: string, message: string): void {
    const now = this.now();
    const previous = this.entries.get(key);
    const fresh = !previous || now - previous.lastFailure > 2 * this.maxMs;
    const delayMs = fresh ? this.initialMs : Math.min(previous.delayMs * 2, this.maxMs);
    this.entries.set(key, { delayMs, lastFailure: now, message });
  }

  succeeded(key: string): void {
    this.entries.delete(key);
  }
}
