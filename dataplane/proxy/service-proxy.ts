/**
 * The node's service proxy: informers on Services and Endpoints feed the syncer, which keeps
 * `table ip cairn-proxy` in the node's host namespace equal to what they describe.
 */
import type { Registry } from 'prom-client';
import type { Endpoints, Service } from '../../api/types/core.js';
import type { ApiClient } from '../../control/client/client.js';
import { Informer, objectKey } from '../../control/client/informer.js';
import { ProxyMetrics } from './metrics.js';
import { conntrackRunner } from './conntrack.js';
import { nftRunner, type NftRunner } from '../nft-runner.js';
import { ProxySyncer, type ProxySource } from './syncer.js';

export interface ServiceProxyOptions {
  client: ApiClient;
  /** This node's name, for logs. */
  nodeName: string;
  /** Host namespace (name under /run/netns) to program; undefined = this process's namespace. */
  netns?: string;
  /** The cluster pod CIDR: traffic from outside it is masqueraded. */
  clusterCIDR: string;
  /** Addresses NodePorts answer on; default every local address. */
  nodeIPs?: string[];
  /** Registry to expose the proxy's metrics in; a private one otherwise. */
  register?: Registry;
  minSyncIntervalMs?: number;
  /** Replaces the nft runner (tests). */
  nft?: NftRunner;
  log?: (msg: string) => void;
}

export interface ServiceProxy {
  syncer: ProxySyncer;
  metrics: ProxyMetrics;
  stop(): Promise<void>;
}

/** Starts the informers and resolves once the first full sync is committed. */
export async function startServiceProxy(opts: ServiceProxyOptions): Promise<ServiceProxy> {
  const services = new Informer(opts.client.resource<Service>('services'));
  const endpoints = new Informer(opts.client.resource<Endpoints>('endpoints'));
  const source: ProxySource = {
    serviceKeys: () => services.list().map(objectKey),
    service: (key) => services.get(key),
    endpoints: (key) => endpoints.get(key),
  };
  const metrics = new ProxyMetrics(opts.register);
  const log = opts.log ?? ((msg: string) => console.error(`[proxy ${opts.nodeName}] ${msg}`));
  const syncer = new ProxySyncer({
    nft: opts.nft ?? nftRunner(opts.netns),
    conntrack: opts.nft ? undefined : conntrackRunner(opts.netns),
    node: { clusterCIDR: opts.clusterCIDR, nodeIPs: opts.nodeIPs },
    source, metrics, log, minSyncIntervalMs: opts.minSyncIntervalMs,
  });
  for (const informer of [services, endpoints] as Informer[]) {
    informer.on('add', (o) => syncer.markChanged(objectKey(o)));
    informer.on('update', (_old, o) => syncer.markChanged(objectKey(o)));
    informer.on('delete', (o) => syncer.markChanged(objectKey(o)));
  }
  try {
    await Promise.all([services.start(), endpoints.start()]);
    await syncer.syncNow();
  } catch (err) {
    await syncer.stop();
    await Promise.all([services.stop(), endpoints.stop()]);
    throw err;
  }
  return {
    syncer, metrics,
    async stop() {
      await syncer.stop();
      await Promise.all([services.stop(), endpoints.stop()]);
    },
  };
}
