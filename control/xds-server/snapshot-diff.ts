/**
 * Which resources differ between two snapshots, computed once per change for all streams: a stream then
 * looks only at the changed names it subscribes to, so a change costs each uninterested stream O(changed
 * names) instead of a pass over all its subscriptions. Types whose map is the same object are skipped
 * (SnapshotCache copies only the maps it edits).
 */
import { RESOURCE_TYPES, type ResourceType } from './protos.js';
import type { Snapshot } from './snapshot-cache.js';

export type SnapshotDiff = ReadonlyMap<ResourceType, ReadonlySet<string>>;

export function snapshotDiff(prev: Snapshot, next: Snapshot): SnapshotDiff {
  const diff = new Map<ResourceType, Set<string>>();
  for (const type of RESOURCE_TYPES) {
    const [a, b] = [prev.resources[type], next.resources[type]];
    if (a === b) continue;
    const names = new Set<string>();
    for (const [n, r] of b) if (a.get(n)?.hash !== r.hash) names.add(n);
    for (const n of a.keys()) if (!b.has(n)) names.add(n);
    if (names.size > 0) diff.set(type, names);
  }
  return diff;
}
