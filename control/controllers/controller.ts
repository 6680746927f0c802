import type { ApiObject } from '../../api/meta.js';
import { Informer, objectKey } from '../client/informer.js';
import { WorkQueue } from '../client/work-queue.js';

/** What every reconciler shares: informer events enqueue keys; workers call `reconcile(key)`; failures retry with backoff. */
export interface Reconciler {
  /** Makes the world match the desired state for `key`. Returns a delay in ms to look again, or undefined when done. Throws to retry with backoff. */
  reconcile(key: string): Promise<number | undefined>;
}

export interface ControllerLoopOptions {
  name: string;
  workers?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Runs `reconciler` over the keys of `informer`'s objects, level-triggered, one worker per key at a time. */
export class ControllerLoop<T extends ApiObject> {
  private readonly queue = new WorkQueue<string>();
  private readonly workers: Promise<void>[] = [];

  constructor(private readonly informer: Informer<T>, private readonly reconciler: Reconciler, private readonly opts: ControllerLoopOptions) {
    const enqueue = (obj: T): void => this.queue.add(objectKey(obj));
    informer.on('add', enqueue);
    informer.on('update', (_old, obj) => enqueue(obj));
    informer.on('delete', enqueue);
  }

  /** Queues `key` for reconciling, for events from other informers that affect this controller's objects. */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  async start(): Promise<void> {
    await this.informer.start();
    for (let i = 0; i < (this.opts.workers ?? 2); i++) this.workers.push(this.work());
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        const again = await this.reconciler.reconcile(key);
        this.queue.forget(key);
        if (again !== undefined) this.queue.addAfter(key, again);
      } catch (err) {
        this.opts.log?.(`${this.opts.name}: reconcile failed; retrying`, { key, error: (err as Error).message });
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.informer.stop();
    await Promise.all(this.workers);
  }
}
