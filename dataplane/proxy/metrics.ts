/** The proxy's Prometheus metrics. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class ProxyMetrics {
  readonly syncDuration: Histogram<'mode'>;
  readonly rulesProgrammed: Counter<'kind'>;
  readonly syncErrors: Counter;
  readonly lastSync: Gauge;

  constructor(readonly registry: Registry = new Registry()) {
    const registers = [registry];
    this.syncDuration = new Histogram({
      name: 'cairn_proxy_sync_duration_seconds', help: 'Time from the start of a sync to its nft transaction committed, by mode (full, partial).',
      labelNames: ['mode'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers,
    });
    this.rulesProgrammed = new Counter({
      name: 'cairn_proxy_rules_programmed_total', help: 'Rules and map elements written to nftables, by kind (rule, element).',
      labelNames: ['kind'], registers,
    });
    this.syncErrors = new Counter({ name: 'cairn_proxy_sync_errors_total', help: 'Syncs whose nft transaction failed (retried as a full sync).', registers });
    this.lastSync = new Gauge({ name: 'cairn_proxy_last_sync_timestamp_seconds', help: 'Unix time of the last successful sync.', registers });
  }
}
