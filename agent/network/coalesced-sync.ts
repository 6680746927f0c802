/**
 * Runs a level-triggered sync whenever asked, never two at once: triggers that arrive during a run fold into
 * one more run after it. A failed run is retried after a delay, since the world it failed to reach has not changed.
 */
export class CoalescedSync {
  private running: Promise<void> | undefined;
  private pending = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];

  constructor(private readonly run: () => Promise<void>, private readonly onError: (err: unknown) => void, private readonly retryMs = 1000) {}

  trigger(): void {
    if (this.stopped) return;
    this.pending = true;
    this.running ??= this.loop();
  }

  /** Resolves after the next run that starts after this call completes successfully. */
  settled(): Promise<void> {
    return new Promise((resolve) => { this.waiters.push(resolve); this.trigger(); });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.running;
  }

  private async loop(): Promise<void> {
    while (this.pending && !this.stopped) {
      this.pending = false;
      const waiting = this.waiters;
      this.waiters = [];
      try {
        await this.run();
        for (const resolve of waiting) resolve();
      } catch (err) {
        this.waiters.unshift(...waiting);
        this.onError(err);
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.trigger(), this.retryMs);
      }
    }
    this.running = undefined;
  }
}
