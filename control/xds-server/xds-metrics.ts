/** The xDS server's Prometheus metrics: connected proxies, pushes, ACKs and NACKs by type, convergence time. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StreamEvent } from './stream-state.js';
import { TYPE_LABELS } from './protos.js';

/** Creation times of this many recent snapshot versions are kept; a later ACK of an older one is not timed. */
const VERSIONS_KEPT = 4096;

export class XdsMetrics {
  readonly registry = new Registry();
  private readonly pushes: Counter<'type'>;
  private readonly acks: Counter<'type'>;
  private readonly nacks: Counter<'type'>;
  private readonly convergence: Histogram<'type'>;
  private readonly created = new Map<string, number>();

  constructor(connected: () => number, private readonly now: () => number = Date.now) {
    const registers = [this.registry];
    new Gauge({ name: 'cairn_xds_connected_proxies', help: 'ADS streams whose client has identified its node.', registers, collect() { this.set(connected()); } });
    this.pushes = new Counter({ name: 'cairn_xds_pushes_total', help: 'Discovery responses sent, by type (cds, eds, lds, rds).', labelNames: ['type'], registers });
    this.acks = new Counter({ name: 'cairn_xds_acks_total', help: 'Responses ACKed by a proxy, by type.', labelNames: ['type'], registers });
    this.nacks = new Counter({ name: 'cairn_xds_nacks_total', help: 'Responses NACKed (rejected) by a proxy, by type.', labelNames: ['type'], registers });
    this.convergence = new Histogram({
      name: 'cairn_xds_convergence_seconds',
      help: 'Time from a snapshot version\'s creation to its ACK by a proxy, for responses pushed by a config change, by type.',
      labelNames: ['type'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers,
    });
  }

  /** A snapshot version was created now. */
  snapshotCreated(version: string): void {
    this.created.set(version, this.now());
    if (this.created.size > VERSIONS_KEPT) this.created.delete(this.created.keys().next().value!);
  }

  observe(event: StreamEvent): void {
    const type = TYPE_LABELS[event.type];
    if (event.kind === 'push') this.pushes.inc({ type });
    else if (event.kind === 'nack') this.nacks.inc({ type });
    else {
      this.acks.inc({ type });
      const created = this.created.get(event.version);
      if (event.trigger === 'snapshot' && created !== undefined) this.convergence.observe({ type }, (this.now() - created) / 1000);
    }
  }
}
