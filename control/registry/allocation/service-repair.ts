import type { Service } from '../../../api/types/core.js';
import { decodeStored } from '../cache/entry.js';
import { PreconditionFailed, type EtcdStore, type StoredValue } from '../storage/etcd-store.js';
import { resourcePrefix } from '../storage/keys.js';
import { readAll } from './allocation-pool.js';
import { holdings, type ServiceAllocator } from './service-allocator.js';

export interface RepairResult {
  /** Allocation keys no Service held, deleted. */
  released: string[];
  /** Values a Service held without a key (stored before allocation existed, or restored from a backup), claimed. */
  claimed: string[];
  /** Values two Services hold at once (possible only in data written without allocation): left alone and reported. */
  conflicts: string[];
}

/**
 * Brings the allocation keys in line with the Services at registry start (kube-apiserver's repair loops), then
 * reloads the allocator's hints. Services and allocations are read at one etcd revision. A release deletes a key
 * only if it is unchanged since that snapshot: a value another registry claimed since then was re-created,
 * so it is never freed from under its Service. Safe to run while other registries serve.
 */
export async function repairServiceAllocations(store: EtcdStore, allocator: ServiceAllocator): Promise<RepairResult> {
  const first = await store.range(resourcePrefix('services'), { limit: 1 });
  const revision = first.revision;
  const services = (await readAll(store, resourcePrefix('services'), revision)).flatMap((v) => decoded(v));
  const allocated = [
    ...(await readAll(store, allocator.ips.prefix, revision)),
    ...(await readAll(store, allocator.ports.prefix, revision)),
  ];
  const result: RepairResult = { released: [], claimed: [], conflicts: [] };
  const holders = new Map<string, Service>();
  for (const svc of services) {
    for (const key of allocator.keys(holdings(svc))) {
      if (holders.has(key)) result.conflicts.push(key);
      else holders.set(key, svc);
    }
  }
  const keyed = new Map<string, StoredValue>(allocated.map((v) => [v.key, v]));
  for (const [key, v] of keyed) {
    if (holders.has(key)) continue;
    if (await settled(() => store.delete(key, v.modRevision))) result.released.push(key);
  }
  for (const [key, svc] of holders) {
    if (keyed.has(key)) continue;
    // A failed create means another writer claimed it since the snapshot (another registry's repair, most likely).
    if (await settled(() => store.create(key, allocator.ownerValue(svc)))) result.claimed.push(key);
  }
  await allocator.ips.reload();
  await allocator.ports.reload();
  return result;
}

/** An undecodable stored Service holds nothing the repair can see; the watch cache reports it too. */
function decoded(v: StoredValue): Service[] {
  try {
    return [decodeStored(v.value, v.modRevision) as Service];
  } catch {
    return [];
  }
}

/** True when the conditional write happened; false when its condition no longer held. */
async function settled(write: () => Promise<number>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (err instanceof PreconditionFailed) return false;
    throw err;
  }
}
