/**
 * The NetworkPolicy agent of one node: informers on NetworkPolicies, Pods and Namespaces feed a single sync key;
 * each sync compiles the whole cache (cheap) and applies only the difference to the node's nftables.
 */
import type { Namespace, Pod } from '../../api/types/core.js';
import type { NetworkPolicy } from '../../api/types/network-policy.js';
import type { ApiClient } from '../../control/client/client.js';
import { Informer } from '../../control/client/informer.js';
import { WorkQueue } from '../../control/client/work-queue.js';
import { compilePolicies } from './compile.js';
import { nftRunner, type NftApplier } from '../nft-runner.js';
import { PolicySyncer } from './syncer.js';

export interface NetworkPolicyAgentOptions {
  client: ApiClient;
  /** Pods bound to this node get chains; every pod can be a peer. */
  nodeName: string;
  /** The host namespace (name under /run/netns) whose forward hook filters pod traffic; undefined = our own. */
  netns?: string;
  /** Overrides how scripts reach the kernel (tests); defaults to `nft` in `netns`. */
  nft?: NftApplier;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface NetworkPolicyAgent {
  stop(): Promise<void>;
}

const SYNC = 'sync';

/** Resolves once the caches are filled and the first sync was attempted (a failed one retries with backoff). */
export async function startNetworkPolicyAgent(opts: NetworkPolicyAgentOptions): Promise<NetworkPolicyAgent> {
  const policies = new Informer<NetworkPolicy>(opts.client.resource<NetworkPolicy>('networkpolicies'));
  const pods = new Informer<Pod>(opts.client.resource<Pod>('pods'));
  const namespaces = new Informer<Namespace>(opts.client.resource<Namespace>('namespaces'));
  const informers = [policies, pods, namespaces] as const;
  const queue = new WorkQueue<string>();
  const syncer = new PolicySyncer(opts.nft ?? nftRunner(opts.netns));

  const sync = async (): Promise<void> => {
    try {
      const ruleset = compilePolicies({ nodeName: opts.nodeName, policies: policies.list(), pods: pods.list(), namespaces: namespaces.list() });
      const applied = await syncer.sync(ruleset);
      if (applied.length) opts.log?.('network policy: synced', { node: opts.nodeName, statements: applied.length, chains: ruleset.chains.size });
      queue.forget(SYNC);
    } catch (err) {
      opts.log?.('network policy: sync failed; retrying', { node: opts.nodeName, error: (err as Error).message });
      queue.addRateLimited(SYNC);
    }
  };

  const enqueue = (): void => queue.add(SYNC);
  for (const informer of informers) {
    informer.on('add', enqueue);
    informer.on('update', enqueue);
    informer.on('delete', enqueue);
  }
  await Promise.all(informers.map((i) => i.start()));
  await sync();

  // One worker: syncs never overlap, and events during a sync coalesce into one more.
  const worker = (async () => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      await sync();
      queue.done(key);
    }
  })();

  return {
    async stop() {
      queue.shutDown();
      await Promise.all(informers.map((i) => i.stop()));
      await worker;
    },
  };
}
