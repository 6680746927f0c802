/**
 * Several DNS processes on one port, for more than one core: Node 20's dgram has no SO_REUSEPORT, so
 * node:cluster workers share the primary's UDP socket (the kernel hands each datagram to one reader) and
 * TCP connections are dealt round robin. Each worker runs its own informers. The primary only supervises
 * (a worker that dies is replaced) and serves the workers' metrics summed.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { serveMetrics, type MetricsServer } from '../../agent/metrics-server.js';

/** Scrapes every worker's registry (prom-client's cluster protocol) and sums them. */
class WorkersRegistry extends AggregatorRegistry<'text/plain; version=0.0.4; charset=utf-8'> {
  override metrics(): Promise<string> {
    return this.clusterMetrics();
  }
}

export function isDnsWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: answer the primary's metric scrapes from this registry. */
export function exportWorkerMetrics(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client installs the worker's scrape listener when the first AggregatorRegistry is constructed.
  new AggregatorRegistry();
}

/** In the primary: forks `count` workers running this same command line; resolves once all of them listen. */
export async function superviseDnsWorkers(count: number, metricsPort: number | undefined, log: (line: string) => void): Promise<{ stop(): Promise<void> }> {
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log(`dns worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  const metrics: MetricsServer | undefined = metricsPort !== undefined ? await serveMetrics(new WorkersRegistry(), metricsPort) : undefined;
  const listening = Array.from({ length: count }, () => new Promise<void>((resolve) => cluster.fork().once('listening', () => resolve())));
  await Promise.all(listening);
  return {
    stop: async () => {
      stopping = true;
      await metrics?.close();
      await Promise.all(Object.values(cluster.workers ?? {}).map((w) => new Promise<void>((resolve) => {
        if (!w || w.isDead()) return resolve();
        w.once('exit', () => resolve());
        w.kill('SIGTERM');
      })));
    },
  };
}
