/**
 * Arbitrates map keys between services. Two services can claim the same key (a ClusterIP or nodePort
 * reused while the old service's deletion is still in flight); nft holds one value per key, so the claim of
 * the lowest service key wins, deterministically, and the other takes over when the winner lets go.
 */
import { elementId, type MapElement } from './types.js';

export class ElementTable {
  private readonly claims = new Map<string, Map<string, MapElement>>();

  /** The value nft should hold for an element id. */
  effective(id: string): MapElement | undefined {
    const owners = this.claims.get(id);
    if (!owners) return undefined;
    let best: string | undefined;
    for (const owner of owners.keys()) if (best === undefined || owner < best) best = owner;
    return owners.get(best!);
  }

  /** Replaces one owner's claims; returns the ids whose effective value may have changed. */
  replace(owner: string, before: readonly MapElement[], after: readonly MapElement[]): Set<string> {
    const touched = new Set<string>();
    for (const e of before) {
      const id = elementId(e);
      const owners = this.claims.get(id);
      owners?.delete(owner);
      if (owners?.size === 0) this.claims.delete(id);
      touched.add(id);
    }
    for (const e of after) {
      const id = elementId(e);
      let owners = this.claims.get(id);
      if (!owners) this.claims.set(id, (owners = new Map()));
      owners.set(owner, e);
      touched.add(id);
    }
    return touched;
  }

  /** Every effective element. */
  *all(): Iterable<MapElement> {
    for (const id of this.claims.keys()) yield this.effective(id)!;
  }
}
