/**
 * The current xDS snapshot, kept up to date from object events. A change rebuilds only the resources of the Services
 * it touches (see mesh-store.ts for which those are); a type's map is copied only when one of its resources changed,
 * so a published Snapshot is never mutated and streams can compare it with what they sent.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Endpoints, Service } from '../../api/types/core.js';
import { MeshStore, type MeshKind, type MeshObjects } from './mesh-store.js';
import { buildServiceResources, emptyResourceSet, type ResourceSet } from './resources.js';
import { RESOURCE_TYPES, type ResourceType } from './protos.js';

export interface VersionedResource {
  body: object;
  /** Content hash: a stream resends a resource only when it changed. */
  hash: string;
}

export interface Snapshot {
  /** Increases with every change; sent as `version_info`. */
  version: string;
  resources: Record<ResourceType, ReadonlyMap<string, VersionedResource>>;
}

export function hashResource(body: object): string {
  return createHash('sha1').update(JSON.stringify(body)).digest('base64url');
}

export class SnapshotCache extends EventEmitter<{ change: [snapshot: Snapshot] }> {
  readonly store = new MeshStore();
  /** The resource names each Service produced, to drop them when it changes or goes. */
  private readonly owned = new Map<string, ResourceSet>();
  private generation = 0;
  private current: Snapshot = { version: '0', resources: emptyResourceSet<VersionedResource>() };

  constructor(private readonly zone: string) {
    super();
  }

  get snapshot(): Snapshot {
    return this.current;
  }

  /** An object was added or updated. */
  set<K extends MeshKind>(kind: K, obj: MeshObjects[K]): void {
    this.rebuild(this.store.apply(kind, obj, true));
  }

  delete<K extends MeshKind>(kind: K, obj: MeshObjects[K]): void {
    this.rebuild(this.store.apply(kind, obj, false));
  }

  setService(service: Service): void {
    this.set('Service', service);
  }

  deleteService(service: Service): void {
    this.delete('Service', service);
  }

  setEndpoints(endpoints: Endpoints): void {
    this.set('Endpoints', endpoints);
  }

  deleteEndpoints(endpoints: Endpoints): void {
    this.delete('Endpoints', endpoints);
  }

  /** Rebuilds the Services `keys` (`namespace/name`) and publishes one new snapshot if anything changed. */
  private rebuild(keys: Iterable<string>): void {
    const resources = { ...this.current.resources };
    const copies = new Map<ResourceType, Map<string, VersionedResource>>();
    const edit = (type: ResourceType): Map<string, VersionedResource> => {
      let copy = copies.get(type);
      if (!copy) copies.set(type, (copy = new Map(resources[type])));
      return copy;
    };
    for (const key of keys) {
      const [namespace = '', name = ''] = key.split('/');
      const service = this.store.service(namespace, name);
      const next = service ? buildServiceResources(service, this.store, this.zone) : emptyResourceSet();
      const prev = this.owned.get(key) ?? emptyResourceSet();
      for (const type of RESOURCE_TYPES) {
        for (const n of prev[type].keys()) if (!next[type].has(n)) edit(type).delete(n);
        for (const [n, body] of next[type]) {
          const hash = hashResource(body);
          if ((copies.get(type) ?? resources[type]).get(n)?.hash !== hash) edit(type).set(n, { body, hash });
        }
      }
      if (service) this.owned.set(key, next);
      else this.owned.delete(key);
    }
    if (copies.size === 0) return;
    for (const [type, copy] of copies) resources[type] = copy;
    this.current = { version: String(++this.generation), resources };
    this.emit('change', this.current);
  }
}
