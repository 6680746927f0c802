import type { ApiObject } from '../../api/meta.js';
import type { ResourceClient } from '../client/resource-client.js';
import { objectKey } from '../client/informer.js';

/**
 * Before an owner adopts orphans (kube's RecheckDeletionTimestamp): the cache may hold a deleted-and-recreated
 * or a dying owner, and adopting for it would hand the orphans to the garbage collector. A fresh read decides.
 */
export async function checkCanAdopt<T extends ApiObject>(owners: ResourceClient<T>, owner: T): Promise<void> {
  const fresh = await owners.get(owner.metadata.name!, owner.metadata.namespace);
  if (fresh.metadata.uid !== owner.metadata.uid) throw new Error(`original ${owner.kind} ${objectKey(owner)} is gone: got uid ${fresh.metadata.uid}, wanted ${owner.metadata.uid}`);
  if (fresh.metadata.deletionTimestamp) throw new Error(`${owner.kind} ${objectKey(owner)} is being deleted: not adopting`);
}
