/**
 * Counts (or score sums) per topology pair, e.g. `zone=us-east-1a → 2`, nested by key so Filter and Score
 * look a node up with its label values and allocate nothing. Pairs whose count returns to 0 are dropped,
 * so `isEmpty` means "no pair counts", as an empty map does in kube-scheduler.
 */
export class TopologyCounts {
  private readonly byKey = new Map<string, Map<string, number>>();

  add(topologyKey: string, value: string, delta: number): void {
    if (delta === 0) return;
    let byValue = this.byKey.get(topologyKey);
    if (byValue === undefined) {
      byValue = new Map();
      this.byKey.set(topologyKey, byValue);
    }
    const n = (byValue.get(value) ?? 0) + delta;
    if (n !== 0) {
      byValue.set(value, n);
      return;
    }
    byValue.delete(value);
    if (byValue.size === 0) this.byKey.delete(topologyKey);
  }

  /** Adds to the pair `topologyKey=<the node's value>`; nodes without the label do not count, as in kube-scheduler. */
  addForNode(labels: Record<string, string>, topologyKey: string, delta: number): void {
    const value = labels[topologyKey];
    if (value !== undefined) this.add(topologyKey, value, delta);
  }

  get(topologyKey: string, value: string): number {
    return this.byKey.get(topologyKey)?.get(value) ?? 0;
  }

  /** The count for the node's value of `topologyKey` (0 when the node lacks the label). */
  forNode(labels: Record<string, string>, topologyKey: string): number {
    const value = labels[topologyKey];
    return value === undefined ? 0 : this.get(topologyKey, value);
  }

  get isEmpty(): boolean {
    return this.byKey.size === 0;
  }

  /** True when some label of the node names a pair with a positive count. */
  anyPositiveForNode(labels: Record<string, string>): boolean {
    for (const [key, byValue] of this.byKey) {
      const value = labels[key];
      if (value !== undefined && (byValue.get(value) ?? 0) > 0) return true;
    }
    return false;
  }

  /** Sum over every topology key of the node's pair value. */
  sumForNode(labels: Record<string, string>): number {
    let sum = 0;
    for (const [key, byValue] of this.byKey) {
      const value = labels[key];
      if (value !== undefined) sum += byValue.get(value) ?? 0;
    }
    return sum;
  }

  clone(): TopologyCounts {
    const copy = new TopologyCounts();
    for (const [key, byValue] of this.byKey) copy.byKey.set(key, new Map(byValue));
    return copy;
  }
}
