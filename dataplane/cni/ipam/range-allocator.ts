/** host-local's choice of the next address: pure, so its edge cases are table-tested without a disk. */

export interface AddressRange {
  /** Inclusive bounds. */
  start: number;
  end: number;
  /** Addresses in the range never handed out (the gateway). */
  exclude: readonly number[];
}

/**
 * The first free address after `last` (the previous reservation), wrapping around the range, or undefined
 * when none is free. Continuing after the last one, as the reference plugin does, delays reuse of a just
 * released address, so a late packet for a deleted pod does not reach its successor.
 */
export function nextFreeAddress(range: AddressRange, reserved: ReadonlySet<number>, last?: number): number | undefined {
  const size = range.end - range.start + 1;
  const first = last !== undefined && last >= range.start && last < range.end ? last + 1 : range.start;
  for (let i = 0; i < size; i++) {
    const candidate = range.start + ((first - range.start + i) % size);
    if (!reserved.has(candidate) && !range.exclude.includes(candidate)) return candidate;
  }
  return undefined;
}
