import { resourceTypes } from '../../../api/catalog.js';
import { ApiError } from '../../../api/errors.js';
import type { ApiObject } from '../../../api/meta.js';
import type { ResourceType } from '../../../api/resources.js';
import type { ApiClient } from '../../client/client.js';
import type { PropagationPolicy } from '../../registry/rest/deletion-propagation.js';

/** The served type of an `apiVersion` + `kind`, matched on group and kind: any version of a group names the same objects. */
export function typeOfReference(apiVersion: string, kind: string): ResourceType | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  return resourceTypes.find((t) => t.group === group && t.kind === kind);
}

/**
 * The collector's reads and writes against the live API (never its cache): every decision is taken on a fresh
 * GET, and every write is pinned to the UID it was decided for, so a stale graph can never delete a new object.
 */
export class LiveObjects {
  constructor(private readonly client: ApiClient) {}

  /** The object with this name and UID, or undefined when absent or replaced by another incarnation. */
  async get(type: ResourceType, namespace: string | undefined, name: string, uid: string): Promise<ApiObject | undefined> {
    try {
      const obj = await this.client.resource(type).get(name, type.namespaced ? namespace : undefined);
      return obj.metadata.uid === uid ? obj : undefined;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  /** Deletes with `policy`; an object already gone or replaced (UID precondition fails) counts as done. */
  async delete(type: ResourceType, obj: ApiObject, policy: PropagationPolicy): Promise<void> {
    const path = this.client.resource(type).path(obj.metadata.namespace, obj.metadata.name);
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: policy, preconditions: { uid: obj.metadata.uid } };
    try {
      await this.client.transport.json('DELETE', path, body);
    } catch (err) {
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  /**
   * Replaces a metadata list (ownerReferences or finalizers) of exactly the version of `obj` that was read:
   * a concurrent change fails the patch's tests, and the caller's retry decides again on a fresh read.
   */
  async setMetadataList(type: ResourceType, obj: ApiObject, field: 'ownerReferences' | 'finalizers', values: unknown[]): Promise<void> {
    const patch = [
      { op: 'test', path: '/metadata/uid', value: obj.metadata.uid },
      { op: 'test', path: '/metadata/resourceVersion', value: obj.metadata.resourceVersion },
      values.length
        ? { op: obj.metadata[field] ? 'replace' : 'add', path: `/metadata/${field}`, value: values }
        : { op: 'remove', path: `/metadata/${field}` },
    ];
    try {
      await this.client.resource(type).patch(obj.metadata.name!, patch, 'application/json-patch+json', type.namespaced ? obj.metadata.namespace : undefined);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}
