/**
 * A FIFO of node names drained at a token-bucket rate (burst 1), like kube's RateLimitedTimedQueue: the first
 * node after a quiet period goes at once, the next ones one per 1/rate seconds. A rate of 0 holds everything.
 */
export class RateLimitedQueue {
  private readonly items: string[] = [];
  private tokens = 1;
  private refilledAt: number;

  constructor(private rate: number, private readonly now: () => number) {
    this.refilledAt = now();
  }

  /** Changes the rate; tokens earned so far are kept (capped at the burst of 1), as client-go's limiter swap. */
  setRate(rate: number): void {
    if (rate === this.rate) return;
    this.refill();
    this.rate = rate;
  }

  /** Adds `name` unless it is queued already. */
  add(name: string): void {
    if (!this.items.includes(name)) this.items.push(name);
  }

  remove(name: string): void {
    const i = this.items.indexOf(name);
    if (i >= 0) this.items.splice(i, 1);
  }

  has(name: string): boolean {
    return this.items.includes(name);
  }

  get length(): number {
    return this.items.length;
  }

  /** The names whose turn has come, in order, each having spent a token. */
  take(): string[] {
    this.refill();
    const out: string[] = [];
    while (this.items.length && this.tokens >= 1) {
      this.tokens -= 1;
      out.push(this.items.shift()!);
    }
    return out;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(1, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
  }
}
