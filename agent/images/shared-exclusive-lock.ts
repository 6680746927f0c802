/**
 * Many shared holders or one exclusive holder. Pulls hold it shared; garbage collection holds it
 * exclusively, so it never deletes a blob a running pull has just stored but not yet recorded. A waiting
 * exclusive holder blocks new shared holders, so collection cannot starve behind a stream of pulls.
 */
export class SharedExclusiveLock {
  private shared = 0;
  private exclusive = false;
  private exclusiveWaiting = 0;
  private waiters: (() => void)[] = [];

  async withShared<T>(run: () => Promise<T>): Promise<T> {
    while (this.exclusive || this.exclusiveWaiting > 0) await this.changed();
    this.shared++;
    try {
      return await run();
    } finally {
      this.shared--;
      this.wake();
    }
  }

  async withExclusive<T>(run: () => Promise<T>): Promise<T> {
    this.exclusiveWaiting++;
    while (this.exclusive || this.shared > 0) await this.changed();
    this.exclusiveWaiting--;
    this.exclusive = true;
    try {
      return await run();
    } finally {
      this.exclusive = false;
      this.wake();
    }
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
