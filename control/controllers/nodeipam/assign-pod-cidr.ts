import { ApiError } from '../../../api/errors.js';
import type { Node } from '../../../api/types/core.js';
import type { ResourceClient } from '../../client/resource-client.js';
import type { CidrSet } from './cidr-set.js';

/** Re-reads after a conflicting write before giving up to the queue's backoff. */
const MAX_CONFLICT_RETRIES = 5;

/** What became of a node: it has a range (now or already), the range is full, or the node is gone. */
export type AssignOutcome = 'assigned' | 'exhausted' | 'gone';

export function podCIDRsOf(node: Node): string[] {
  const { podCIDR, podCIDRs } = node.spec ?? {};
  return podCIDRs?.length ? podCIDRs : podCIDR ? [podCIDR] : [];
}

/**
 * Gives `node` a range from `cidrs` unless it has one, writing `spec.podCIDR(s)` pinned to the node's
 * resourceVersion. On a conflict it re-reads the node (which may have got a range meanwhile) and tries
 * again, a bounded number of times. Throws what it cannot handle, for the queue to retry.
 */
export async function assignPodCIDR(nodes: Pick<ResourceClient<Node>, 'get' | 'patch'>, cidrs: CidrSet, node: Node | undefined): Promise<AssignOutcome> {
  for (let attempt = 0; node; attempt++) {
    if (podCIDRsOf(node).length) {
      for (const c of podCIDRsOf(node)) cidrs.occupy(c);
      return 'assigned';
    }
    const cidr = cidrs.allocateNext();
    if (!cidr) return 'exhausted';
    try {
      await nodes.patch(node.metadata.name!, { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { podCIDR: cidr, podCIDRs: [cidr] } });
      return 'assigned';
    } catch (err) {
      // Only a write known not to have happened frees the range; after an unclear failure it stays reserved (a leak until restart beats a duplicate).
      if (!(err instanceof ApiError) || err.code >= 500) throw err;
      cidrs.release(cidr);
      if (err.code === 404) return 'gone';
      if (err.code !== 409 || attempt >= MAX_CONFLICT_RETRIES) throw err;
      node = await nodes.get(node.metadata.name!).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 404) return undefined;
        throw e;
      });
    }
  }
  return 'gone';
}
