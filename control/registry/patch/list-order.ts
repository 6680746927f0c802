/**
 * Element order of merged lists, as Kubernetes decides it: elements named by the patch (or by its
 * `$setElementOrder`) follow that order, and elements only the server has keep their positions
 * relative to the live list, interleaved with the patched ones rather than pushed to the end.
 */
import { getOwn, isObject } from './json-value.js';

/** An element's identity in a list; undefined when it has none. */
export type KeyOf = (item: unknown) => unknown;

export const scalarKey: KeyOf = (item) => item;

export function mergeKeyOf(mergeKey: string): KeyOf {
  return (item) => (isObject(item) ? getOwn(item, mergeKey) : undefined);
}

function indexIn(list: readonly unknown[], item: unknown, keyOf: KeyOf): number {
  const key = keyOf(item);
  return key === undefined ? -1 : list.findIndex((other) => keyOf(other) === key);
}

/** Stable: items found in `order` take its order; the others keep their relative order after them. */
function sortByOrder(items: readonly unknown[], order: readonly unknown[], keyOf: KeyOf): unknown[] {
  const ranked = items.map((item, position) => ({ item, position, rank: indexIn(order, item, keyOf) }));
  ranked.sort((a, b) => {
    if (a.rank >= 0 && b.rank >= 0) return a.rank - b.rank || a.position - b.position;
    if (a.rank >= 0 || b.rank >= 0) return a.rank >= 0 ? -1 : 1;
    return a.position - b.position;
  });
  return ranked.map(({ item }) => item);
}

/**
 * Orders `merged` (the result of merging a patch list into `live`): members named in `order` are
 * sorted by it, the rest by `live`, then a server-only element goes before a named one only when it
 * also came before it in `live`.
 */
export function orderMergedList(merged: readonly unknown[], order: readonly unknown[], live: readonly unknown[], keyOf: KeyOf): unknown[] {
  const named: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const item of merged) (indexIn(order, item, keyOf) >= 0 ? named : serverOnly).push(item);
  const left = sortByOrder(serverOnly, live, keyOf);
  const right = sortByOrder(named, order, keyOf);
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) result.push(left[i++]);
    else if (i >= left.length) result.push(right[j++]);
    else {
      const liveLeft = indexIn(live, left[i], keyOf);
      const liveRight = indexIn(live, right[j], keyOf);
      if (liveLeft >= 0 && liveRight >= 0 && liveLeft < liveRight) result.push(left[i++]);
      else result.push(right[j++]);
    }
  }
  return result;
}
