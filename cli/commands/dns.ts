import type { ApiClient } from '../../control/client/client.js';
import { startClusterDns } from '../../dataplane/dns/cluster-dns.js';
import { exportWorkerMetrics, isDnsWorker, superviseDnsWorkers } from '../../dataplane/dns/workers.js';

export interface DnsArgs {
  listen: string;
  port: number;
  zone: string;
  upstream?: string;
  metricsPort?: number;
  workers: number;
}

/**
 * `cairn dns`: the cluster DNS server. With --workers N > 1 this process only supervises N copies of itself
 * sharing the port (and sums their metrics); each copy connects to the API on its own.
 */
export async function dnsCommand(args: DnsArgs, connect: () => Promise<ApiClient>, log: (line: string) => void): Promise<{ stop(): Promise<void> }> {
  if (args.workers > 1 && !isDnsWorker()) {
    const workers = await superviseDnsWorkers(args.workers, args.metricsPort, log);
    log(`cluster DNS for ${args.zone} on ${args.listen}:${args.port} (${args.workers} workers)`);
    return workers;
  }
  const client = await connect();
  const dns = await startClusterDns({
    client, host: args.listen, port: args.port, zone: args.zone, upstream: args.upstream, metricsPort: isDnsWorker() ? undefined : args.metricsPort,
  });
  if (isDnsWorker()) exportWorkerMetrics(dns.metrics.registry);
  else log(`cluster DNS for ${args.zone} on ${args.listen}:${dns.port}`);
  return { stop: async () => { await dns.stop(); client.close(); } };
}
