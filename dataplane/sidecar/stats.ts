/** The sidecar's Prometheus metrics, Envoy's cluster stats under Cairn names. */
import { Counter, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class SidecarStats {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'cairn_sidecar_requests_total', help: 'Requests answered to the app, by the cluster routed to (empty when none) and the HTTP status it got.',
    labelNames: ['cluster', 'code'], registers: [this.registry],
  });
  readonly upstreamLatency = new Histogram({
    name: 'cairn_sidecar_upstream_request_duration_seconds', help: 'Each upstream attempt, from sending to response headers (or failure).',
    labelNames: ['cluster'], buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly retries = new Counter({ name: 'cairn_sidecar_upstream_retries_total', help: 'Retried upstream attempts.', labelNames: ['cluster'], registers: [this.registry] });
  readonly ejections = new Counter({ name: 'cairn_sidecar_outlier_ejections_total', help: 'Endpoints ejected for consecutive 5xx.', labelNames: ['cluster'], registers: [this.registry] });
  readonly overflows = new Counter({
    name: 'cairn_sidecar_upstream_overflow_total', help: 'Attempts refused by the circuit breaker (over max_requests or max_pending_requests).',
    labelNames: ['cluster'], registers: [this.registry],
  });
  readonly xdsResponses = new Counter({ name: 'cairn_sidecar_xds_responses_total', help: 'xDS responses, by type and outcome (ack or nack).', labelNames: ['type', 'outcome'], registers: [this.registry] });
}
