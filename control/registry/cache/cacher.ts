import { ApiError, Reason } from '../../../api/errors.js';
import type { ResourceType } from '../../../api/resources.js';
import { EtcdStore, RevisionCompacted, type StoreEvent, type StoredValue } from '../storage/etcd-store.js';
import { REGISTRY_PREFIX, parseKey } from '../storage/keys.js';
import { entryFromStored } from './entry.js';
import { ResourceCache, type CacheEvent } from './resource-cache.js';

export interface CacherOptions {
  /** Events kept per resource for watch resumption. */
  windowSize: number;
  /** How many revisions of etcd history to replay at start, so clients of a restarted registry resume without relisting. */
  historyReplay: number;
  /** How long a consistent read waits for the cache to catch up before reading etcd instead. */
  freshnessTimeoutMs: number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

const LOAD_PAGE = 5000;
/** Serving waits this long for replayed history; after it, watches older than the start revision get 410. */
const HISTORY_REPLAY_TIMEOUT_MS = 10_000;

/**
 * The registry's watch cache: one etcd watch over all of /registry/ feeds a ResourceCache per resource.
 * etcd revisions under the prefix are contiguous (every write is ours), so a gap after a reconnect is
 * detected and the watch restarted from the last applied revision: no event is skipped.
 */
export class Cacher {
  private readonly caches = new Map<string, ResourceCache>();
  private readonly byPlural = new Map<string, ResourceType>();
  /** Highest revision applied to every cache. */
  revision = 0;
  private startRevision = 0;
  private historyDone = true;
  private suspectGap = false;
  private cancelWatch: (() => Promise<void>) | undefined;
  private readonly waiters: { revision: number; resolve: () => void }[] = [];
  private revisionProbe: Promise<number> | undefined;
  private nextProbe: Promise<number> | undefined;
  private stopped = false;
  private readonly historyWaiters: (() => void)[] = [];
  /** Last revision seen on the watch stream (history included); contiguous unless a gap is detected. */
  private lastApplied = 0;

  constructor(private readonly store: EtcdStore, resources: ResourceType[], private readonly opts: CacherOptions) {
    for (const r of resources) this.byPlural.set(r.plural, r);
  }

  get started(): boolean {
    return this.caches.size > 0;
  }

  cache(plural: string): ResourceCache {
    const cache = this.caches.get(plural);
    if (!cache) throw new ApiError(503, Reason.ServiceUnavailable, `the watch cache for ${plural} is loading: retry shortly`);
    return cache;
  }

  /** Lists everything at one revision, then watches from just after it (replaying recent history into the windows). */
  async start(): Promise<void> {
    const first = await this.store.range(REGISTRY_PREFIX, { limit: LOAD_PAGE });
    const rev = first.revision;
    for (const r of this.byPlural.values()) this.caches.set(r.plural, new ResourceCache(this.opts.windowSize, rev));
    let page = first;
    for (;;) {
      for (const v of page.values) this.loadValue(v);
      if (!page.more) break;
      page = await this.store.range(REGISTRY_PREFIX, { startKey: page.values.at(-1)!.key + '\0', limit: LOAD_PAGE, revision: rev });
    }
    this.startRevision = rev;
    this.revision = rev;
    const replayFrom = Math.max(1, rev - this.opts.historyReplay + 1);
    // Revision 1 is an empty store: there is no event to replay up to.
    this.historyDone = replayFrom > rev || rev <= 1;
    for (const cache of this.caches.values()) cache.beginHistory(replayFrom - 1);
    this.lastApplied = replayFrom - 1;
    try {
      await this.watchFrom(replayFrom);
    } catch (err) {
      if (!(err instanceof RevisionCompacted)) throw err;
      this.historyDone = true;
      this.lastApplied = rev;
      await this.watchFrom(rev + 1);
    }
    if (!this.historyDone) await this.awaitHistory(HISTORY_REPLAY_TIMEOUT_MS);
    this.opts.log('watch cache started', { revision: rev, objects: [...this.caches.values()].reduce((n, c) => n + c.size, 0) });
  }

  private loadValue(v: StoredValue): void {
    const key = parseKey(v.key);
    const type = key && this.byPlural.get(key.plural);
    if (!key || !type) return;
    this.caches.get(type.plural)!.load(entryFromStored(v.key, v.value, v.modRevision, type.strategy));
  }

  /** Rejects with RevisionCompacted when etcd no longer has `revision`. */
  private async watchFrom(revision: number): Promise<void> {
    const handle = await this.store.watch(REGISTRY_PREFIX, revision, {
      onEvents: (events) => this.onEvents(events),
      onDisconnect: () => { this.suspectGap = true; },
      onError: (err) => {
        this.opts.log('watch cache stream failed; rebuilding', { error: err.message });
        void this.rebuild();
      },
    });
    this.cancelWatch = handle.cancel;
  }

  private async restartWatch(revision: number): Promise<void> {
    if (this.stopped) return;
    const cancel = this.cancelWatch;
    this.cancelWatch = undefined;
    if (cancel) await cancel().catch(() => {});
    this.suspectGap = false;
    try {
      await this.watchFrom(revision);
    } catch (err) {
      this.opts.log('watch restart failed; rebuilding', { error: (err as Error).message });
      await this.rebuild();
    }
  }

  /** History is gone (compacted past our last revision): reload state and end every watch so clients relist. */
  private async rebuild(): Promise<void> {
    if (this.stopped) return;
    const cancel = this.cancelWatch;
    this.cancelWatch = undefined;
    if (cancel) await cancel().catch(() => {});
    for (const cache of this.caches.values()) cache.terminateWatchers('watch cache rebuilt');
    this.caches.clear();
    for (let delay = 100; !this.stopped; delay = Math.min(delay * 2, 5000)) {
      try {
        await this.start();
        return;
      } catch (err) {
        this.opts.log('watch cache rebuild failed; retrying', { error: (err as Error).message, retryInMs: delay });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private onEvents(events: StoreEvent[]): void {
    for (const ev of events) {
      const rev = ev.type === 'put' ? ev.value.modRevision : ev.revision;
      // Replayed after a reconnect: already applied. (Equal revisions are one multi-key transaction.)
      if (rev < this.lastApplied || (rev === this.lastApplied && this.suspectGap)) continue;
      if (this.suspectGap && rev > this.lastApplied + 1) {
        this.opts.log('watch gap after reconnect; resuming from last applied revision', { lastApplied: this.lastApplied, got: rev });
        void this.restartWatch(this.lastApplied + 1);
        return;
      }
      this.suspectGap = false;
      this.lastApplied = rev;
      this.dispatch(ev, rev);
    }
    this.advance(this.lastApplied);
  }

  private dispatch(ev: StoreEvent, rev: number): void {
    const keyString = ev.type === 'put' ? ev.value.key : ev.key;
    const key = parseKey(keyString);
    const type = key && this.byPlural.get(key.plural);
    if (!key || !type) return;
    const cache = this.caches.get(type.plural)!;
    const prev = ev.prev ? entryFromStored(ev.prev.key, ev.prev.value, ev.prev.modRevision, type.strategy) : undefined;
    let event: CacheEvent;
    if (ev.type === 'put') {
      const entry = entryFromStored(keyString, ev.value.value, rev, type.strategy);
      event = { type: ev.value.createRevision === rev ? 'ADDED' : 'MODIFIED', entry, prev, revision: rev };
    } else {
      if (!ev.prev) return; // the deleted value was compacted away; nothing a watcher could be shown
      const entry = entryFromStored(keyString, ev.prev.value, rev, type.strategy);
      event = { type: 'DELETED', entry, prev, revision: rev };
    }
    if (rev <= this.startRevision) {
      cache.recordHistory(event);
      if (rev === this.startRevision) this.finishHistory();
    } else {
      if (!this.historyDone) this.finishHistory();
      cache.apply(event);
    }
  }

  private finishHistory(): void {
    this.historyDone = true;
    for (const cache of this.caches.values()) cache.endHistory();
    for (const resolve of this.historyWaiters.splice(0)) resolve();
  }

  /** Resolves once replayed history reaches the start revision, so resumed watches are served, not refused. */
  private awaitHistory(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.opts.log('history replay incomplete; older watches will be asked to relist', { startRevision: this.startRevision, replayedTo: this.lastApplied });
        resolve();
      }, timeoutMs);
      this.historyWaiters.push(() => { clearTimeout(timer); resolve(); });
    });
  }

  private advance(revision: number): void {
    if (revision <= this.revision) return;
    this.revision = revision;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.revision <= revision) {
        this.waiters[i]!.resolve();
        this.waiters.splice(i, 1);
      }
    }
  }

  /** Resolves true once the cache has applied `revision`, false after the timeout. */
  waitFor(revision: number, timeoutMs = this.opts.freshnessTimeoutMs): Promise<boolean> {
    if (this.revision >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { revision, resolve: () => { clearTimeout(timer); resolve(true); } };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * The etcd revision every write acknowledged before this call is at or below.
   * Concurrent callers share probes: a caller joins the next probe to start, never one already in flight,
   * so one etcd round trip serves any number of reads.
   */
  latestRevision(): Promise<number> {
    if (!this.revisionProbe) {
      this.revisionProbe = this.store.currentRevision().finally(() => { this.revisionProbe = undefined; });
      return this.revisionProbe;
    }
    if (!this.nextProbe) {
      const after = this.revisionProbe.catch(() => 0);
      this.nextProbe = after.then(() => {
        this.nextProbe = undefined;
        return this.latestRevision();
      });
    }
    return this.nextProbe;
  }

  /** Waits until the cache holds every write acknowledged before the call; false if it could not catch up in time. */
  async waitFresh(): Promise<boolean> {
    return this.waitFor(await this.latestRevision());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const cache of this.caches.values()) cache.terminateWatchers('registry shutting down');
    const cancel = this.cancelWatch;
    this.cancelWatch = undefined;
    if (cancel) await cancel().catch(() => {});
  }
}
