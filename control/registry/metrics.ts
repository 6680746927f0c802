import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreObserver } from './storage/etcd-store.js';

export interface CacheSample {
  revision: number;
  resources: { resource: string; objects: number; watchers: number }[];
}

/** The registry's Prometheus metrics, named as the Kubernetes API server names them where one exists. */
export class RegistryMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'apiserver_request_total', help: 'Requests by verb, resource and HTTP code.', labelNames: ['verb', 'resource', 'code'], registers: [this.registry] });
  readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds', help: 'Request latency by verb and resource (watches excluded).', labelNames: ['verb', 'resource'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
  });
  readonly etcdLatency = new Histogram({
    name: 'etcd_request_duration_seconds', help: 'etcd request latency by operation and outcome.', labelNames: ['operation', 'result'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [this.registry],
  });

  /** `sample` is read at scrape time, so gauges cost nothing between scrapes. */
  constructor(sample: () => CacheSample) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'apiserver_registered_watchers', help: 'Open watches by resource.', labelNames: ['resource'], registers: [this.registry],
      collect() { for (const r of sample().resources) this.set({ resource: r.resource }, r.watchers); },
    });
    new Gauge({
      name: 'apiserver_storage_objects', help: 'Objects stored, by resource.', labelNames: ['resource'], registers: [this.registry],
      collect() { for (const r of sample().resources) this.set({ resource: r.resource }, r.objects); },
    });
    new Gauge({
      name: 'apiserver_watch_cache_resource_version', help: 'Latest etcd revision applied to the watch cache.', registers: [this.registry],
      collect() { this.set(sample().revision); },
    });
  }

  readonly observeEtcd: StoreObserver = (op, seconds, ok) => {
    this.etcdLatency.observe({ operation: op, result: ok ? 'success' : 'error' }, seconds);
  };
}
