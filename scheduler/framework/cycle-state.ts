import type { FilterPlugin } from './types.js';

/** Data plugins share within one scheduling cycle for one pod (PreFilter computes, Filter/Score read). */
export interface Clonable {
  clone(): Clonable;
}

function isClonable(v: unknown): v is Clonable {
  return typeof v === 'object' && v !== null && typeof (v as Clonable).clone === 'function';
}

export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Filter/Score plugins whose PreFilter/PreScore returned Skip for this pod. */
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();
  /** Filter plugins left after PreFilter's skips; the framework fills it on first use. */
  activeFilters: FilterPlugin[] | undefined;

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }

  /**
   * A copy preemption can change while it tries removing pods from a node: values that are
   * Clonable are deep-copied (PreFilter state that AddPod/RemovePod update); others are shared (read-only).
   */
  clone(): CycleState {
    const copy = new CycleState();
    for (const [k, v] of this.data) copy.data.set(k, isClonable(v) ? v.clone() : v);
    for (const s of this.skipFilter) copy.skipFilter.add(s);
    for (const s of this.skipScore) copy.skipScore.add(s);
    copy.activeFilters = this.activeFilters;
    return copy;
  }
}
