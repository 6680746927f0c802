/**
 * `startClusterDns`: the cluster DNS server fed by Service and Endpoints informers. Each informer event
 * updates the records and drops exactly the cached answers it affects, before the next packet is read, so
 * answers follow the API as fast as the watch delivers.
 */
import type { Endpoints, Service } from '../../api/types/core.js';
import { serveMetrics, type MetricsServer } from '../../agent/metrics-server.js';
import type { ApiClient } from '../../control/client/client.js';
import { Informer } from '../../control/client/informer.js';
import { Forwarder, parseUpstream } from './forwarder.js';
import { DnsMetrics } from './metrics.js';
import { ClusterRecords } from './records.js';
import { Responder } from './responder.js';
import { listenDns } from './server.js';

export const DEFAULT_ZONE = 'cluster.local';
export const DEFAULT_TTL = 5;
/** The service and pod CIDRs of Cairn's network design: reverse names there are answered, not forwarded. */
export const DEFAULT_REVERSE_CIDRS = ['10.96.0.0/12', '10.244.0.0/16'];

export interface ClusterDnsOptions {
  client: ApiClient;
  host: string;
  /** 0 picks a free port (the same one for UDP and TCP). */
  port: number;
  zone?: string;
  ttl?: number;
  /** `IPv4[:port]` for names outside the zone; without it they get SERVFAIL. */
  upstream?: string;
  upstreamTimeoutMs?: number;
  reverseCidrs?: string[];
  /** Serve /metrics and /healthz on 127.0.0.1:<port> (0: any free port). */
  metricsPort?: number;
}

export interface ClusterDns {
  port: number;
  metricsPort?: number;
  metrics: DnsMetrics;
  stop(): Promise<void>;
}

export async function startClusterDns(opts: ClusterDnsOptions): Promise<ClusterDns> {
  const records = new ClusterRecords({ zone: (opts.zone ?? DEFAULT_ZONE).toLowerCase().replace(/\.$/, ''), ttl: opts.ttl ?? DEFAULT_TTL });
  const metrics = new DnsMetrics();
  const forwarder = opts.upstream ? new Forwarder(parseUpstream(opts.upstream), opts.upstreamTimeoutMs ?? 2000) : undefined;
  const responder = new Responder({ records, metrics, forwarder, reverseCidrs: opts.reverseCidrs ?? DEFAULT_REVERSE_CIDRS });
  const invalidate = (tags: string[]): void => responder.cache.invalidate(tags);

  const services = new Informer(opts.client.resource<Service>('services'));
  services.on('add', (s) => invalidate(records.setService(s)));
  services.on('update', (_old, s) => invalidate(records.setService(s)));
  services.on('delete', (s) => invalidate(records.deleteService(s)));
  const endpoints = new Informer(opts.client.resource<Endpoints>('endpoints'));
  endpoints.on('add', (e) => invalidate(records.setEndpoints(e)));
  endpoints.on('update', (_old, e) => invalidate(records.setEndpoints(e)));
  endpoints.on('delete', (e) => invalidate(records.deleteEndpoints(e)));

  let metricsServer: MetricsServer | undefined;
  let sockets: Awaited<ReturnType<typeof listenDns>> | undefined;
  const stop = async (): Promise<void> => {
    await sockets?.close();
    forwarder?.close();
    await metricsServer?.close();
    await Promise.all([services.stop(), endpoints.stop()]);
  };
  try {
    await Promise.all([services.start(), endpoints.start()]);
    sockets = await listenDns(responder, opts.host, opts.port);
    if (opts.metricsPort !== undefined) metricsServer = await serveMetrics(metrics.registry, opts.metricsPort);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port: sockets.port, metricsPort: metricsServer?.port, metrics, stop };
}
