/**
 * kube's UIDTrackingControllerExpectations: after a controller creates or deletes pods it expects to see those
 * changes in its informer before acting on the same owner again, so a cache that lags its own writes can
 * never make it create or delete twice. An expectation that is never met (a lost watch event) expires.
 */

/** How long an unmet expectation holds before the owner syncs anyway (kube: 5 minutes). */
export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Expectation {
  adds: number;
  /** Keys of pods whose deletion is still to be seen. */
  deletes: Set<string>;
  at: number;
}

export class Expectations {
  private readonly byOwner = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now, private readonly ttlMs = EXPECTATIONS_TTL_MS) {}

  /** True when the owner may act: nothing outstanding, or the expectation expired. */
  satisfied(owner: string): boolean {
    const e = this.byOwner.get(owner);
    if (!e) return true;
    return (e.adds <= 0 && e.deletes.size === 0) || this.now() - e.at > this.ttlMs;
  }

  expectCreations(owner: string, count: number): void {
    this.byOwner.set(owner, { adds: count, deletes: new Set(), at: this.now() });
  }

  expectDeletions(owner: string, podKeys: readonly string[]): void {
    this.byOwner.set(owner, { adds: 0, deletes: new Set(podKeys), at: this.now() });
  }

  /** A pod the owner created was seen, or a creation will never happen (it failed or was skipped). */
  creationObserved(owner: string, count = 1): void {
    const e = this.byOwner.get(owner);
    if (e) e.adds -= count;
  }

  /** A pod was seen deleted (or a deletion failed); only pods the owner is waiting for count. */
  deletionObserved(owner: string, podKey: string): void {
    this.byOwner.get(owner)?.deletes.delete(podKey);
  }

  /** The owner is gone. */
  delete(owner: string): void {
    this.byOwner.delete(owner);
  }
}
