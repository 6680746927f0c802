import type { ApiObject, ObjectList, WatchEvent } from '../../../api/meta.js';
import { apiVersionOf, type ResourceType } from '../../../api/resources.js';
import type { Transport } from '../../client/transport.js';
import { ResourceClient, type ListQuery, type WatchHandle, type WatchQuery } from '../../client/resource-client.js';

/**
 * A ResourceClient whose lists and watches keep only the metadata the garbage collector reads, like
 * kube's metadata informers: the collector watches every kind, so caching whole objects (pod specs,
 * secret data) would cost memory for nothing.
 */
export class MetadataClient extends ResourceClient<ApiObject> {
  constructor(transport: Transport, private readonly type: ResourceType) {
    super(transport, type);
  }

  override async list(query: ListQuery = {}): Promise<ObjectList<ApiObject>> {
    const list = await super.list(query);
    return { ...list, items: list.items.map((obj) => this.strip(obj)) };
  }

  override watch(query: WatchQuery, onEvent: (event: WatchEvent<ApiObject>) => void): WatchHandle {
    return super.watch(query, (event) => onEvent(event.type === 'BOOKMARK' || event.type === 'ERROR' ? event : { ...event, object: this.strip(event.object) }));
  }

  private strip(obj: ApiObject): ApiObject {
    const { name, namespace, uid, resourceVersion, deletionTimestamp, ownerReferences, finalizers } = obj.metadata;
    return {
      apiVersion: apiVersionOf(this.type),
      kind: this.type.kind,
      metadata: { name, namespace, uid, resourceVersion, deletionTimestamp, ownerReferences, finalizers },
    };
  }
}
