/**
 * The ConfigMaps and Secrets a node's pods use, read with GETs of exactly those objects (never a list of all
 * secrets) and kept for `ttlMs`, like the kubelet's TTL cache strategy: many syncs of many pods cost one GET per
 * object per period, and a change reaches env of new containers and volume files within that period.
 */
import type { ConfigMap, Secret } from '../../api/types/core.js';
import type { ResourceClient } from '../../control/client/resource-client.js';
import { isNotFound } from '../util/retry.js';

/** Both kinds as plain text/bytes maps: Secret data and ConfigMap binaryData are base64 decoded. */
export interface ConfigData {
  kind: 'ConfigMap' | 'Secret';
  /** The keys usable as env variables (a ConfigMap's `data`, a Secret's `data`). */
  strings: Record<string, string>;
  /** Every key as bytes (adds a ConfigMap's binaryData), for volume files. */
  bytes: Record<string, Buffer>;
}

export interface ConfigSource {
  /** undefined when the object does not exist. */
  get(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): Promise<ConfigData | undefined>;
}

/** A pod cannot be given its containers' config yet (kubelet's CreateContainerConfigError); retried on later syncs. */
export class ContainerConfigError extends Error {}

export function configData(kind: 'ConfigMap' | 'Secret', obj: ConfigMap | Secret): ConfigData {
  const bytes: Record<string, Buffer> = {};
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj.data ?? {})) {
    bytes[k] = kind === 'Secret' ? Buffer.from(v, 'base64') : Buffer.from(v);
    strings[k] = bytes[k].toString();
  }
  if (kind === 'ConfigMap') for (const [k, v] of Object.entries((obj as ConfigMap).binaryData ?? {})) bytes[k] = Buffer.from(v, 'base64');
  return { kind, strings, bytes };
}

/** The kubelet's wording: `configmap "x" not found`, `secret "x" not found`. */
export const notFoundMessage = (kind: 'ConfigMap' | 'Secret', name: string): string => `${kind.toLowerCase()} ${JSON.stringify(name)} not found`;

export class CachedConfigSource implements ConfigSource {
  private readonly cache = new Map<string, { at: number; value: Promise<ConfigData | undefined> }>();

  constructor(
    private readonly clients: { configMaps: ResourceClient<ConfigMap>; secrets: ResourceClient<Secret> },
    private readonly ttlMs = 10_000,
    private readonly now = () => Date.now(),
  ) {}

  get(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): Promise<ConfigData | undefined> {
    const key = `${kind}/${namespace}/${name}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    this.prune();
    const client = kind === 'ConfigMap' ? this.clients.configMaps : this.clients.secrets;
    const value = client.get(name, namespace).then((obj) => configData(kind, obj), (err: unknown) => {
      if (isNotFound(err)) return undefined;
      this.cache.delete(key); // a transport error is not remembered
      throw err;
    });
    this.cache.set(key, { at: this.now(), value });
    return value;
  }

  /** Drops expired entries, so objects no pod uses any more are not kept. */
  private prune(): void {
    for (const [key, entry] of this.cache) if (this.now() - entry.at >= this.ttlMs) this.cache.delete(key);
  }
}
