/** The ingress proxy's Prometheus metrics: requests and latency by Ingress, backend Service and status code. */
import { Counter, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const LABELS = ['namespace', 'ingress', 'service', 'code'] as const;

export type RequestLabels = Record<(typeof LABELS)[number], string>;

export class IngressMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'cairn_ingress_requests_total', help: 'Requests answered, by Ingress, backend Service and HTTP status (404s for no rule have empty ingress).',
    labelNames: LABELS, registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'cairn_ingress_request_duration_seconds', help: 'From the request arriving to its response finishing.',
    labelNames: LABELS, buckets: LATENCY_BUCKETS, registers: [this.registry],
  });

  observe(labels: RequestLabels, seconds: number): void {
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }
}
