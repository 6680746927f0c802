import type { EtcdStore, StoredValue } from '../storage/etcd-store.js';
import { UsedSet } from './used-set.js';

/** A range of values numbered by offsets 0..size-1 (IPv4Range, PortRange). */
export interface ValueRange<T> {
  readonly size: number;
  readonly staticBand: number;
  offsetOf(value: T): number | undefined;
  at(offset: number): T;
  toString(): string;
}

/**
 * One range's allocations: etcd keys under `prefix`, one per value (the truth, shared by every registry
 * process), and this process's UsedSet (a hint for picking a value likely to be free).
 */
export class AllocationPool<T extends string | number> {
  private readonly used: UsedSet;
  /** Values picked here whose write has not finished: a reload from etcd must not forget them. */
  private readonly pending = new Set<T>();

  constructor(
    readonly range: ValueRange<T>,
    readonly prefix: string,
    private readonly store: EtcdStore,
    private readonly parse: (text: string) => T,
  ) {
    this.used = new UsedSet(range.size, range.staticBand);
  }

  key(value: T): string {
    return this.prefix + String(value);
  }

  /** The value a key under this pool's prefix stands for. */
  valueOf(key: string): T | undefined {
    return key.startsWith(this.prefix) ? this.parse(key.slice(this.prefix.length)) : undefined;
  }

  inRange(value: T): boolean {
    return this.range.offsetOf(value) !== undefined;
  }

  /** A value believed free, now marked taken here; undefined when the range is full even after re-reading etcd. */
  async take(): Promise<T | undefined> {
    let offset = this.used.take();
    if (offset === undefined) {
      await this.reload(); // others may have released values since this process last looked
      offset = this.used.take();
    }
    if (offset === undefined) return undefined;
    const value = this.range.at(offset);
    this.pending.add(value);
    return value;
  }

  /** The value is held in etcd (written by this process, or found taken). */
  noteTaken(value: T): void {
    this.pending.delete(value);
    const offset = this.range.offsetOf(value);
    if (offset !== undefined) this.used.mark(offset);
  }

  /** The value was released, or a pick of it was not written. */
  noteFree(value: T): void {
    this.pending.delete(value);
    const offset = this.range.offsetOf(value);
    if (offset !== undefined) this.used.clear(offset);
  }

  /** Rebuilds the hint from etcd; returns the allocation keys read (at `revision`, 0 = latest). */
  async reload(revision = 0): Promise<StoredValue[]> {
    const values = await readAll(this.store, this.prefix, revision);
    this.used.clearAll();
    for (const v of values) {
      const offset = this.range.offsetOf(this.valueOf(v.key)!);
      if (offset !== undefined) this.used.mark(offset);
    }
    for (const value of this.pending) this.used.mark(this.range.offsetOf(value)!);
    return values;
  }
}

/** Every key under `prefix`, page by page, at `revision` (0 = latest; pin one for a consistent snapshot). */
export async function readAll(store: EtcdStore, prefix: string, revision = 0): Promise<StoredValue[]> {
  const values: StoredValue[] = [];
  for (let startKey = prefix; ;) {
    const page = await store.range(prefix, { startKey, limit: 10_000, revision });
    values.push(...page.values);
    if (!page.more || page.values.length === 0) return values;
    startKey = page.values.at(-1)!.key + '\0';
  }
}
