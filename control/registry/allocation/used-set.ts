/**
 * Which offsets of a range this process believes taken, and random picks among the rest (kube's bitmap
 * allocator with its static subrange). It only speeds picking up: etcd decides, so a stale bit costs one
 * skipped or one retried value, never a value handed out twice.
 */
export class UsedSet {
  private readonly bits: Uint8Array;

  /**
   * @param size number of offsets, 0..size-1
   * @param staticBand offsets below it are picked only once the rest is full, leaving them for users who ask for a
   *   fixed value (such as the cluster DNS IP 10.96.0.10), as kube-apiserver's ServiceIPStaticSubrange does
   */
  constructor(readonly size: number, readonly staticBand: number) {
    this.bits = new Uint8Array(Math.ceil(size / 8));
  }

  has(offset: number): boolean {
    return (this.bits[offset >> 3]! & (1 << (offset & 7))) !== 0;
  }

  mark(offset: number): void {
    this.bits[offset >> 3]! |= 1 << (offset & 7);
  }

  clear(offset: number): void {
    this.bits[offset >> 3]! &= ~(1 << (offset & 7));
  }

  clearAll(): void {
    this.bits.fill(0);
  }

  /** Marks and returns a free offset: from a random start in the upper band, then the static band; undefined when full. */
  take(random: () => number = Math.random): number | undefined {
    const upper = this.size - this.staticBand;
    const start = this.staticBand + Math.floor(random() * upper);
    const found = this.scan(start, this.size) ?? this.scan(this.staticBand, start) ?? this.scan(0, this.staticBand);
    if (found !== undefined) this.mark(found);
    return found;
  }

  /** The first free offset in [from, to), skipping whole taken bytes. */
  private scan(from: number, to: number): number | undefined {
    for (let i = from; i < to;) {
      if ((i & 7) === 0 && this.bits[i >> 3] === 0xff) {
        i += 8;
        continue;
      }
      if (!this.has(i)) return i;
      i++;
    }
    return undefined;
  }
}

/** kube's static band: size/step clamped to [min, max], none for ranges smaller than min. */
export function staticBandSize(size: number, min: number, max: number, step: number): number {
  if (size < min) return 0;
  return Math.max(min, Math.min(max, Math.floor(size / step)));
}
