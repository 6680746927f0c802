/**
 * Encoded responses by question (lowercased wire name + QTYPE), looked up by a hash of those bytes so a query
 * needs no string. Each entry carries the tags it was computed from; `invalidate(tags)` drops exactly those
 * entries, so an answer is never older than the last informer event. Bounded: past `maxEntries` (random
 * names, say) it starts over rather than tracking recency per hit.
 */

export interface CachedResponse {
  /** Full response with ID 0 and the question lowercased; patched per query. */
  tcp: Buffer;
  /** The same, or a truncated (TC, no records) one when the full response exceeds a UDP datagram. */
  udp: Buffer;
  rcode: number;
}

interface Entry {
  key: Buffer;
  hash: number;
  value: CachedResponse;
  /** The next entry whose key has the same hash. */
  next: Entry | undefined;
}

/** FNV-1a over `key[0, length)`. */
export function hashKey(key: Buffer, length: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  return h >>> 0;
}

export class AnswerCache {
  private readonly entries = new Map<number, Entry>();
  private readonly byTag = new Map<string, Set<Entry>>();
  private count = 0;

  constructor(private readonly maxEntries = 100_000) {}

  get size(): number {
    return this.count;
  }

  get(hash: number, key: Buffer, length: number): CachedResponse | undefined {
    for (let e = this.entries.get(hash); e; e = e.next) {
      if (e.key.length === length && sameBytes(e.key, key, length)) return e.value;
    }
    return undefined;
  }

  set(hash: number, key: Buffer, length: number, value: CachedResponse, tags: readonly string[]): void {
    if (this.count >= this.maxEntries) this.clear();
    this.remove(hash, key, length);
    const entry: Entry = { key: Buffer.from(key.subarray(0, length)), hash, value, next: this.entries.get(hash) };
    this.entries.set(hash, entry);
    this.count++;
    for (const tag of tags) {
      let set = this.byTag.get(tag);
      if (!set) this.byTag.set(tag, (set = new Set()));
      set.add(entry);
    }
  }

  invalidate(tags: Iterable<string>): void {
    for (const tag of tags) {
      const set = this.byTag.get(tag);
      if (!set) continue;
      this.byTag.delete(tag);
      for (const e of set) this.remove(e.hash, e.key, e.key.length);
    }
  }

  clear(): void {
    this.entries.clear();
    this.byTag.clear();
    this.count = 0;
  }

  private remove(hash: number, key: Buffer, length: number): void {
    let prev: Entry | undefined;
    for (let e = this.entries.get(hash); e; prev = e, e = e.next) {
      if (e.key.length !== length || !sameBytes(e.key, key, length)) continue;
      if (prev) prev.next = e.next;
      else if (e.next) this.entries.set(hash, e.next);
      else this.entries.delete(hash);
      this.count--;
      return;
    }
  }
}

function sameBytes(a: Buffer, b: Buffer, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}
