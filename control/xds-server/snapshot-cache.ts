/**
 * The current xDS snapshot, kept up to date from Service and Endpoints events. A change rebuilds only the
 * resources of the Service it touches; a type's map is copied only when one of its resources changed, so a
 * published Snapshot is never mutated and streams can compare it with what they sent.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Endpoints, Service } from '../../api/types/core.js';
import { objectKey } from '../client/informer.js';
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
  private readonly services = new Map<string, Service>();
  private readonly endpoints = new Map<string, Endpoints>();
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

  setService(service: Service): void {
    this.services.set(objectKey(service), service);
    this.rebuild(objectKey(service));
  }

  deleteService(service: Service): void {
    this.services.delete(objectKey(service));
    this.rebuild(objectKey(service));
  }

  setEndpoints(endpoints: Endpoints): void {
    this.endpoints.set(objectKey(endpoints), endpoints);
    this.rebuild(objectKey(endpoints));
  }

  deleteEndpoints(endpoints: Endpoints): void {
    this.endpoints.delete(objectKey(endpoints));
    this.rebuild(objectKey(endpoints));
  }

  private rebuild(key: string): void {
    const service = this.services.get(key);
    const next = service ? buildServiceResources(service, this.endpoints.get(key), this.zone) : emptyResourceSet();
    const prev = this.owned.get(key) ?? emptyResourceSet();
    const resources = { ...this.current.resources };
    let changed = false;
    for (const type of RESOURCE_TYPES) {
      let copy: Map<string, VersionedResource> | undefined;
      const edit = (): Map<string, VersionedResource> => (copy ??= new Map(resources[type]));
      for (const name of prev[type].keys()) if (!next[type].has(name)) edit().delete(name);
      for (const [name, body] of next[type]) {
        const hash = hashResource(body);
        if (resources[type].get(name)?.hash !== hash) edit().set(name, { body, hash });
      }
      if (copy) {
        resources[type] = copy;
        changed = true;
      }
    }
    if (service) this.owned.set(key, next);
    else this.owned.delete(key);
    if (!changed) return;
    this.current = { version: String(++this.generation), resources };
    this.emit('change', this.current);
  }
}
