import type { CacheEntry } from './entry.js';
import { matchesFilter, type ObjectFilter } from './filter.js';
import { fieldSelectorValue } from '../../../api/selectors.js';

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change as watchers see it. For DELETED, `entry` is the last state stamped with the deletion's revision. */
export interface CacheEvent {
  type: CacheEventType;
  entry: CacheEntry;
  prev?: CacheEntry;
  revision: number;
}

/** A watch stream fed by the cache. `deliver` returns false when the stream can take no more. */
export interface CacheWatcher {
  filter: ObjectFilter;
  deliver(type: CacheEventType, entry: CacheEntry, revision: number): boolean;
  terminate(reason: string): void;
}

/** Thrown when a watch asks to resume from a revision the window no longer holds. */
export class TooOldRevision extends Error {
  constructor(readonly requested: number, readonly oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

/**
 * The current state of one resource plus a bounded window of its recent events.
 * Guarantees: events are applied and delivered in revision order; a watcher started from
 * revision R receives every matching event after R exactly once, or TooOldRevision.
 */
export class ResourceCache {
  private readonly byNamespace = new Map<string, Map<string, CacheEntry>>();
  private readonly sortedNames = new Map<string, string[]>();
  private sortedNamespaces: string[] | undefined;
  private readonly window: CacheEvent[] = [];
  private windowStart = 0;
  private readonly watchers = new Set<CacheWatcher>();
  private count = 0;
  /** Watches may resume from any revision >= this. */
  oldestServable: number;
  private evictedUpTo: number;

  /** Entries by the value of `indexedField` (e.g. pods by spec.nodeName), so a node's list does not scan every pod. */
  private readonly index = new Map<string, Map<string, CacheEntry>>();

  constructor(private readonly capacity: number, startRevision: number, private readonly indexedField?: string) {
    this.oldestServable = startRevision;
    this.evictedUpTo = startRevision;
  }

  get size(): number {
    return this.count;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Loads the initial state (at the cache's start revision); no events are recorded. */
  load(entry: CacheEntry): void {
    this.put(entry);
  }

  /** Marks where history replay begins: events after `revision` will be recorded, but not yet served. */
  beginHistory(revision: number): void {
    this.evictedUpTo = revision;
  }

  /** History replay reached the start revision: the whole recorded window is now servable. */
  endHistory(): void {
    this.oldestServable = Math.min(this.oldestServable, this.evictedUpTo);
  }

  /** A historical event (before the start revision): recorded in the window, state untouched. */
  recordHistory(event: CacheEvent): void {
    this.record(event);
  }

  /** A live event: updates state, records it, and delivers it to watchers. */
  apply(event: CacheEvent): void {
    if (event.type === 'DELETED') this.remove(event.entry.namespace, event.entry.name);
    else this.put(event.entry);
    this.record(event);
    for (const watcher of this.watchers) {
      try {
        if (!deliver(watcher, event)) this.watchers.delete(watcher);
      } catch (err) {
        // One watcher's failure (e.g. rendering its Table) ends that watch only.
        this.watchers.delete(watcher);
        watcher.terminate(`watch ended: ${(err as Error).message}`);
      }
    }
  }

  get(namespace: string, name: string): CacheEntry | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  /** Matching entries in key order (namespace, then name), as etcd would return them. */
  list(filter: ObjectFilter): CacheEntry[] {
    const indexed = this.indexedField && filter.fields ? fieldSelectorValue(filter.fields, this.indexedField) : undefined;
    if (indexed !== undefined) {
      const candidates = [...(this.index.get(indexed)?.values() ?? [])].filter((e) => matchesFilter(e, filter));
      return candidates.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    const namespaces = filter.namespace !== undefined ? [filter.namespace] : this.namespacesSorted();
    const out: CacheEntry[] = [];
    for (const ns of namespaces) {
      const entries = this.byNamespace.get(ns);
      if (!entries) continue;
      for (const name of this.namesSorted(ns, entries)) {
        const entry = entries.get(name)!;
        if (matchesFilter(entry, filter)) out.push(entry);
      }
    }
    return out;
  }

  /**
   * Registers a watcher after replaying the window's events newer than `fromRevision`.
   * Replay and registration happen in one synchronous step, so no event falls between them.
   */
  watch(watcher: CacheWatcher, fromRevision: number): () => void {
    if (fromRevision < this.oldestServable) throw new TooOldRevision(fromRevision, this.oldestServable);
    for (let i = this.firstIndexAfter(fromRevision); i < this.window.length; i++) {
      if (!deliver(watcher, this.window[i]!)) return () => {};
    }
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Ends every watch (e.g. after the cache had to be rebuilt); clients resume and relist as needed. */
  terminateWatchers(reason: string): void {
    for (const watcher of this.watchers) watcher.terminate(reason);
    this.watchers.clear();
  }

  private firstIndexAfter(revision: number): number {
    let lo = this.windowStart;
    let hi = this.window.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.window[mid]!.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private record(event: CacheEvent): void {
    this.window.push(event);
    if (this.window.length - this.windowStart > this.capacity) {
      const evicted = this.window[this.windowStart]!;
      this.window[this.windowStart] = undefined as unknown as CacheEvent; // release for GC; index kept until compaction below
      this.windowStart++;
      this.evictedUpTo = evicted.revision;
      if (this.oldestServable < evicted.revision) this.oldestServable = evicted.revision;
      if (this.windowStart > this.capacity) {
        this.window.splice(0, this.windowStart);
        this.windowStart = 0;
      }
    }
  }

  private put(entry: CacheEntry): void {
    let entries = this.byNamespace.get(entry.namespace);
    if (!entries) {
      entries = new Map();
      this.byNamespace.set(entry.namespace, entries);
      this.sortedNamespaces = undefined;
    }
    const old = entries.get(entry.name);
    if (!old) {
      this.count++;
      this.sortedNames.delete(entry.namespace);
    }
    entries.set(entry.name, entry);
    if (this.indexedField) {
      if (old) this.unindex(old);
      const value = entry.fields[this.indexedField] ?? '';
      let bucket = this.index.get(value);
      if (!bucket) this.index.set(value, (bucket = new Map()));
      bucket.set(entry.key, entry);
    }
  }

  private unindex(entry: CacheEntry): void {
    const value = entry.fields[this.indexedField!] ?? '';
    const bucket = this.index.get(value);
    bucket?.delete(entry.key);
    if (bucket?.size === 0) this.index.delete(value);
  }

  private remove(namespace: string, name: string): void {
    const entries = this.byNamespace.get(namespace);
    const old = entries?.get(name);
    if (old && this.indexedField) this.unindex(old);
    if (entries?.delete(name)) {
      this.count--;
      this.sortedNames.delete(namespace);
      if (entries.size === 0) {
        this.byNamespace.delete(namespace);
        this.sortedNamespaces = undefined;
      }
    }
  }

  private namespacesSorted(): string[] {
    this.sortedNamespaces ??= [...this.byNamespace.keys()].sort();
    return this.sortedNamespaces;
  }

  private namesSorted(namespace: string, entries: Map<string, CacheEntry>): string[] {
    let names = this.sortedNames.get(namespace);
    if (!names) {
      names = [...entries.keys()].sort();
      this.sortedNames.set(namespace, names);
    }
    return names;
  }
}

/** Delivers one event as this watcher's selectors see it: objects entering or leaving the selection become ADDED or DELETED. */
function deliver(watcher: CacheWatcher, event: CacheEvent): boolean {
  const nowMatches = matchesFilter(event.entry, watcher.filter);
  const prevMatches = event.prev !== undefined && matchesFilter(event.prev, watcher.filter);
  let type: CacheEventType | undefined;
  if (event.type === 'ADDED') type = nowMatches ? 'ADDED' : undefined;
  else if (event.type === 'DELETED') type = prevMatches || nowMatches ? 'DELETED' : undefined;
  else if (nowMatches) type = prevMatches ? 'MODIFIED' : 'ADDED';
  else if (prevMatches) type = 'DELETED';
  if (!type) return true;
  return watcher.deliver(type, event.entry, event.revision);
}
