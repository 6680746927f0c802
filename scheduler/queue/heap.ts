/** A binary min-heap keyed by string, with O(log n) update and removal by key (what a scheduling queue needs). */
export class KeyedHeap<T> {
  private readonly items: T[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly keyOf: (item: T) => string, private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): T | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.items[i];
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds the item, or replaces the one with the same key and restores order. */
  push(item: T): void {
    const key = this.keyOf(item);
    const at = this.index.get(key);
    if (at !== undefined) {
      this.items[at] = item;
      this.siftDown(this.siftUp(at));
      return;
    }
    this.items.push(item);
    this.index.set(key, this.items.length - 1);
    this.siftUp(this.items.length - 1);
  }

  pop(): T | undefined {
    if (this.items.length === 0) return undefined;
    return this.removeAt(0);
  }

  delete(key: string): T | undefined {
    const at = this.index.get(key);
    return at === undefined ? undefined : this.removeAt(at);
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  private removeAt(at: number): T {
    const item = this.items[at]!;
    const last = this.items.pop()!;
    this.index.delete(this.keyOf(item));
    if (at < this.items.length) {
      this.items[at] = last;
      this.index.set(this.keyOf(last), at);
      this.siftDown(this.siftUp(at));
    }
    return item;
  }

  private swap(i: number, j: number): void {
    const a = this.items[i]!;
    const b = this.items[j]!;
    this.items[i] = b;
    this.items[j] = a;
    this.index.set(this.keyOf(b), i);
    this.index.set(this.keyOf(a), j);
  }

  private siftUp(i: number): number {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.items[i]!, this.items[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
    return i;
  }

  private siftDown(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < this.items.length && this.less(this.items[l]!, this.items[min]!)) min = l;
      if (r < this.items.length && this.less(this.items[r]!, this.items[min]!)) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }
}
