/** etcd key layout: `/registry/{plural}/{namespace}/{name}` for namespaced kinds, `/registry/{plural}/{name}` otherwise. */
export const REGISTRY_PREFIX = '/registry/';

export function resourcePrefix(plural: string): string {
  return `${REGISTRY_PREFIX}${plural}/`;
}

export function namespacePrefix(plural: string, namespace: string): string {
  return `${resourcePrefix(plural)}${namespace}/`;
}

export function objectKey(plural: string, namespace: string | undefined, name: string): string {
  return namespace ? `${namespacePrefix(plural, namespace)}${name}` : `${resourcePrefix(plural)}${name}`;
}

/** Splits a key back into its parts; undefined for keys outside the layout. */
export function parseKey(key: string): { plural: string; namespace?: string; name: string } | undefined {
  if (!key.startsWith(REGISTRY_PREFIX)) return undefined;
  const parts = key.slice(REGISTRY_PREFIX.length).split('/');
  if (parts.length === 2) return { plural: parts[0]!, name: parts[1]! };
  if (parts.length === 3) return { plural: parts[0]!, namespace: parts[1]!, name: parts[2]! };
  return undefined;
}

/**
 * Values handed out from a shared range, one key each: `/registry/allocations/{pool}/{value}`
 * (e.g. `serviceips/10.96.0.10`). No kind has the plural `allocations`, so the watch cache skips them.
 */
export function allocationPrefix(pool: string): string {
  return `${REGISTRY_PREFIX}allocations/${pool}/`;
}
