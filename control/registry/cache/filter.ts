import type { Selector, FieldSelector } from '../../../api/selectors.js';
import type { CacheEntry } from './entry.js';

/** What a list or watch asked for: the scope and selectors from the request. */
export interface ObjectFilter {
  namespace?: string;
  labels?: Selector;
  fields?: FieldSelector;
}

export function matchesFilter(entry: CacheEntry, filter: ObjectFilter): boolean {
  if (filter.namespace && entry.namespace !== filter.namespace) return false;
  if (filter.labels && !filter.labels.isEverything() && !filter.labels.matches(entry.labels)) return false;
  if (filter.fields && !filter.fields.isEverything() && !filter.fields.matches(entry.fields)) return false;
  return true;
}
