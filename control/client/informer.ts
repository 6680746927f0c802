import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../../api/errors.js';
import type { ApiObject, WatchEvent } from '../../api/meta.js';
import type { ResourceClient, WatchHandle } from './resource-client.js';

export type IndexFunc<T> = (obj: T) => string[];

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size of the initial list and of every relist. */
  pageSize?: number;
  /** Backoff bounds after a failed list or watch. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface InformerEvents<T> {
  add: [obj: T];
  update: [oldObj: T, newObj: T];
  delete: [obj: T];
  /** The store holds a complete list for the first time. */
  synced: [];
  /** A list or watch failed; the informer retries by itself after a backoff. */
  retrying: [err: Error];
}

export function objectKey(obj: ApiObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name ?? '';
}

/**
 * List then watch, keeping an indexed cache, like client-go's shared informer. After a dropped watch
 * (registry or etcd restart) it resumes from the last resourceVersion it saw, so no change is missed;
 * when that version has expired (410 Gone) it relists and reports the difference as events.
 */
export class Informer<T extends ApiObject = ApiObject> extends EventEmitter<InformerEvents<T>> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private running = false;
  private watch: WatchHandle | undefined;
  private loop: Promise<void> | undefined;
  private synced = false;
  /** The resourceVersion the cache is current to; watches resume from it. */
  lastResourceVersion = '';

  constructor(private readonly client: ResourceClient<T>, private readonly opts: InformerOptions = {}) {
    super();
    this.addIndexer('namespace', (obj) => [obj.metadata.namespace ?? '']);
  }

  /** Adds an index; call before start. `byIndex(name, value)` then answers from memory. */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.indexers.set(name, fn);
    this.indexes.set(name, new Map());
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  byIndex(name: string, value: string): T[] {
    const keys = this.indexes.get(name)?.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.items.get(k)!);
  }

  /** Starts the list/watch loop; resolves once the first list is in the cache. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const synced = new Promise<void>((resolve) => this.once('synced', resolve));
    this.loop = this.run();
    await synced;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.watch?.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    const minBackoff = this.opts.minBackoffMs ?? 100;
    const maxBackoff = this.opts.maxBackoffMs ?? 5000;
    let backoff = minBackoff;
    let needList = true;
    while (this.running) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        await this.watchOnce();
        backoff = minBackoff;
      } catch (err) {
        if (!this.running) break;
        if (err instanceof ApiError && err.code === 410) {
          needList = true;
          continue;
        }
        this.emit('retrying', err as Error);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }

  private async relist(): Promise<void> {
    const list = await this.client.listAll({ namespace: this.opts.namespace, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector }, this.opts.pageSize ?? 500);
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = objectKey(obj);
      seen.add(key);
      this.upsert(key, obj);
    }
    for (const [key, obj] of this.items) {
      if (!seen.has(key)) this.remove(key, obj);
    }
    this.lastResourceVersion = list.metadata.resourceVersion ?? '';
    if (!this.synced) {
      this.synced = true;
      this.emit('synced');
    }
  }

  /** One watch from the last resourceVersion until the stream ends; a clean end (server timeout) is normal. */
  private async watchOnce(): Promise<void> {
    this.watch = this.client.watch({
      namespace: this.opts.namespace,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      resourceVersion: this.lastResourceVersion,
      allowWatchBookmarks: true,
      // Bounded watches, like client-go's 5-10 minutes: a half-open connection cannot stall the informer forever.
      timeoutSeconds: Math.round(300 + Math.random() * 300),
    }, (event) => this.onEvent(event));
    if (!this.running) this.watch.stop();
    await this.watch.done;
  }

  private onEvent(event: WatchEvent<T>): void {
    const obj = event.object;
    const rv = obj.metadata?.resourceVersion;
    if (event.type !== 'BOOKMARK') {
      const key = objectKey(obj);
      if (event.type === 'DELETED') {
        const old = this.items.get(key);
        if (old) this.remove(key, obj);
      } else {
        this.upsert(key, obj);
      }
    }
    if (rv) this.lastResourceVersion = rv;
  }

  private upsert(key: string, obj: T): void {
    const old = this.items.get(key);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    if (old) this.emit('update', old, obj);
    else this.emit('add', obj);
  }

  private remove(key: string, obj: T): void {
    const old = this.items.get(key);
    if (!old) return;
    this.unindex(key, old);
    this.items.delete(key);
    this.emit('delete', obj);
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name)!;
      for (const value of fn(obj)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
