import { ApiError, Reason } from '../../../api/errors.js';
import type { ResourceType } from '../../../api/resources.js';
import { EtcdStore, RevisionCompacted, type StoreEvent, type StoredValue } from '../storage/etcd-store.js';
import { REGISTRY_PREFIX, parseKey } from '../storage/keys.js';
import { entryFromStored } from './entry.js';
import { ResourceCache, type CacheEvent } from './resource-cache.js';
import { RevisionProbe } from './revision-probe.js';

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

/** How long to wait for etcd to confirm a watch cancellation before moving on. */
const CANCEL_TIMEOUT_MS = 2000;

/**
 * The registry's watch cache: one etcd watch over all of /registry/ feeds a ResourceCache per resource.
 * etcd revisions under the prefix are contiguous (the registry is etcd's only writer), so a gap after a
 * reconnect is detected and the watch restarted from the last applied revision: no event is skipped, none
 * applied twice. A transaction may write several keys (an object and the allocations it holds); etcd sends
 * all events of one revision in one response, so "already applied" is judged against the response's start.
 */
export class Cacher {
  private caches = new Map<string, ResourceCache>();
  private readonly byPlural = new Map<string, ResourceType>();
  /** Highest revision applied to every cache. */
  revision = 0;
  private startRevision = 0;
  private historyDone = true;
  private suspectGap = false;
  /** Bumped whenever the etcd watch is replaced: events from an older watch are ignored. */
  private generation = 0;
  private cancelWatch: (() => Promise<void>) | undefined;
  /** The one restart or rebuild in progress, if any. */
  private recovering: Promise<void> | undefined;
  private readonly waiters: { revision: number; resolve: () => void }[] = [];
  private readonly historyWaiters: (() => void)[] = [];
  private readonly probe: RevisionProbe;
  private stopped = false;
  /** Last revision seen on the watch stream (history included). */
  private lastApplied = 0;

  constructor(private readonly store: EtcdStore, resources: ResourceType[], private readonly opts: CacherOptions) {
    for (const r of resources) this.byPlural.set(r.plural, r);
    this.probe = new RevisionProbe(() => store.currentRevision());
  }

  get started(): boolean {
    return this.caches.size > 0;
  }

  cache(plural: string): ResourceCache {
    const cache = this.caches.get(plural);
    if (!cache) throw new ApiError(503, Reason.ServiceUnavailable, `the watch cache for ${plural} is loading: retry shortly`);
    return cache;
  }

  /**
   * Lists everything at one revision into fresh caches, swaps them in at once, then watches from just
   * after it, replaying recent history into the windows when etcd still has it.
   */
  async start(): Promise<void> {
    const first = await this.store.range(REGISTRY_PREFIX, { limit: LOAD_PAGE });
    const rev = first.revision;
    const fresh = new Map<string, ResourceCache>();
    for (const r of this.byPlural.values()) fresh.set(r.plural, new ResourceCache(this.opts.windowSize, rev, r.indexedField));
    let page = first;
    for (;;) {
      for (const v of page.values) this.loadValue(fresh, v);
      if (!page.more) break;
      page = await this.store.range(REGISTRY_PREFIX, { startKey: page.values.at(-1)!.key + '\0', limit: LOAD_PAGE, revision: rev });
    }
    const replayFrom = await this.replayStart(rev);
    const old = this.caches;
    this.caches = fresh;
    for (const cache of old.values()) cache.terminateWatchers('watch cache rebuilt');
    this.startRevision = rev;
    this.historyDone = replayFrom > rev;
    for (const cache of fresh.values()) cache.beginHistory(replayFrom - 1);
    this.lastApplied = replayFrom - 1;
    this.suspectGap = false;
    this.advance(rev, true);
    await this.watchFrom(replayFrom);
    if (!this.historyDone) await this.awaitHistory(HISTORY_REPLAY_TIMEOUT_MS);
    this.opts.log('watch cache started', { revision: rev, replayedFrom: replayFrom, objects: [...fresh.values()].reduce((n, c) => n + c.size, 0) });
  }

  /** Where history replay can begin: etcd must still hold that revision (revision 1 is an empty store). */
  private async replayStart(rev: number): Promise<number> {
    const from = Math.max(2, rev - this.opts.historyReplay + 1);
    if (from > rev) return rev + 1;
    try {
      await this.store.range(REGISTRY_PREFIX, { revision: from, limit: 1 });
      return from;
    } catch (err) {
      if (err instanceof RevisionCompacted) return rev + 1;
      throw err;
    }
  }

  private loadValue(caches: Map<string, ResourceCache>, v: StoredValue): void {
    const key = parseKey(v.key);
    const type = key && this.byPlural.get(key.plural);
    if (!key || !type) return;
    try {
      caches.get(type.plural)!.load(entryFromStored(v.key, v.value, v.modRevision, type.strategy));
    } catch (err) {
      this.opts.log('skipping an undecodable stored object', { key: v.key, error: (err as Error).message });
    }
  }

  private async watchFrom(revision: number): Promise<void> {
    const generation = ++this.generation;
    const handle = await this.store.watch(REGISTRY_PREFIX, revision, {
      onEvents: (events, header) => { if (generation === this.generation) this.onEvents(events, header); },
      onDisconnect: () => { if (generation === this.generation) this.suspectGap = true; },
      onError: (err) => {
        if (generation !== this.generation) return;
        this.opts.log('watch cache stream failed; rebuilding', { error: err.message });
        this.recover('rebuild');
      },
    });
    if (generation === this.generation) this.cancelWatch = handle.cancel;
    else await handle.cancel().catch(() => {});
  }

  /**
   * Replaces the etcd watch, one recovery at a time: `restart` resumes from the last applied revision;
   * `rebuild` (history gone) reloads everything and ends every client watch so clients resume or relist.
   */
  private recover(kind: 'restart' | 'rebuild'): void {
    if (this.recovering || this.stopped) return;
    this.generation++; // silence the current watch at once
    this.recovering = (async () => {
      await this.cancelCurrentWatch();
      if (kind === 'restart') {
        try {
          this.suspectGap = false;
          await this.watchFrom(this.lastApplied + 1);
          return;
        } catch (err) {
          this.opts.log('watch restart failed; rebuilding', { error: (err as Error).message });
        }
      }
      for (let delay = 100; !this.stopped; delay = Math.min(delay * 2, 5000)) {
        try {
          await this.start();
          return;
        } catch (err) {
          this.opts.log('watch cache rebuild failed; retrying', { error: (err as Error).message, retryInMs: delay });
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    })().finally(() => { this.recovering = undefined; });
  }

  private async cancelCurrentWatch(): Promise<void> {
    const cancel = this.cancelWatch;
    this.cancelWatch = undefined;
    if (!cancel) return;
    await Promise.race([cancel().catch(() => {}), new Promise((r) => setTimeout(r, CANCEL_TIMEOUT_MS).unref())]);
  }

  private onEvents(events: StoreEvent[], headerRevision: number): void {
    const applied = this.lastApplied;
    for (const ev of events) {
      const rev = ev.type === 'put' ? ev.value.modRevision : ev.revision;
      if (rev <= applied) continue; // replayed after a reconnect: already applied
      if (this.suspectGap && rev > this.lastApplied + 1) {
        this.opts.log('watch gap after reconnect; resuming from last applied revision', { lastApplied: this.lastApplied, got: rev });
        this.recover('restart');
        return;
      }
      this.suspectGap = false;
      this.lastApplied = rev;
      try {
        this.dispatch(ev, rev);
      } catch (err) {
        this.opts.log('could not apply a watch event; rebuilding', { revision: rev, error: (err as Error).message });
        this.recover('rebuild');
        return;
      }
    }
    // After a reconnect, progress past our last revision with no event in between means events were skipped.
    if (this.suspectGap && events.length === 0 && headerRevision > this.lastApplied) {
      this.recover('restart');
      return;
    }
    if (!this.historyDone && this.lastApplied >= this.startRevision) this.finishHistory();
    this.advance(this.lastApplied);
  }

  private dispatch(ev: StoreEvent, rev: number): void {
    const keyString = ev.type === 'put' ? ev.value.key : ev.key;
    const key = parseKey(keyString);
    const type = key && this.byPlural.get(key.plural);
    if (!key || !type) return;
    const cache = this.caches.get(type.plural)!;
    const live = rev > this.startRevision;
    let prev = ev.prev ? entryFromStored(ev.prev.key, ev.prev.value, ev.prev.modRevision, type.strategy) : undefined;
    let event: CacheEvent;
    if (ev.type === 'put') {
      const entry = entryFromStored(keyString, ev.value.value, rev, type.strategy);
      event = { type: ev.value.createRevision === rev ? 'ADDED' : 'MODIFIED', entry, prev, revision: rev };
    } else {
      // Without etcd's previous value (compacted), the cached state is the last one clients saw.
      prev ??= live ? cache.get(key.namespace ?? '', key.name) : undefined;
      if (!prev) return;
      const entry = entryFromStored(keyString, prev.bytes, rev, type.strategy);
      event = { type: 'DELETED', entry, prev, revision: rev };
    }
    if (!live) {
      cache.recordHistory(event);
      return;
    }
    if (!this.historyDone) this.finishHistory();
    cache.apply(event);
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

  /** Moves the cache's revision forward (or, on a rebuild, to the reloaded revision) and wakes readers waiting for it. */
  private advance(revision: number, reset = false): void {
    if (revision <= this.revision && !reset) return;
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

  /** The etcd revision every write acknowledged before this call is at or below (one shared round trip). */
  latestRevision(): Promise<number> {
    return this.probe.latest();
  }

  /** Waits until the cache holds every write acknowledged before the call; false if it could not catch up in time. */
  async waitFresh(): Promise<boolean> {
    return this.waitFor(await this.latestRevision());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    for (const cache of this.caches.values()) cache.terminateWatchers('registry shutting down');
    await this.recovering?.catch(() => {});
    await this.cancelCurrentWatch();
  }
}
