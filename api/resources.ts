import type { ApiObject } from './meta.js';
import type { KindStrategy } from './strategy.js';

export type Subresource = 'status' | 'scale' | 'binding' | 'log' | 'eviction';

/** One served resource: where it lives in the API, how it is stored, and how it behaves. */
export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: Subresource[];
  /** A selectable field the watch cache indexes, for lists that select on it exactly (pods by spec.nodeName). */
  indexedField?: string;
  strategy: KindStrategy<ApiObject>;
}

/** How kubectl names a type in its output: `deployment.apps`, `service`. */
export function typeDisplayName(r: Pick<ResourceType, 'group' | 'singular'>): string {
  return r.group ? `${r.singular}.${r.group}` : r.singular;
}

export function apiVersionOf(r: Pick<ResourceType, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}
