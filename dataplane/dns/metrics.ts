/**
 * DNS metrics. The per-query path only bumps numbers in typed arrays; prom-client reads them at scrape
 * time, so a query costs no label hashing or histogram bookkeeping (profiled: that was a tenth of a query).
 */
import { Counter, Histogram, Registry, type MetricObjectWithValues, type MetricValueWithName } from 'prom-client';
import { TYPE } from './wire.js';

const TYPE_NAMES = new Map<number, string>(Object.entries(TYPE).map(([name, code]) => [code, name]));
const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 2.5];
const LATENCY_NAME = 'cairn_dns_request_duration_seconds';

/**
 * A histogram whose buckets are counted outside prom-client. It is a real `Histogram` so registries (and the
 * cluster aggregator) take it; only its export is replaced, by the counts `observe` keeps.
 */
class PlainHistogram extends Histogram {
  readonly counts = new Float64Array(LATENCY_BUCKETS.length + 1);
  total = 0;
  sum = 0;

  record(seconds: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++;
    this.counts[i]! += 1;
    this.total++;
    this.sum += seconds;
  }

  /**
   * prom-client reads a histogram through this (text), and `get` (JSON, cluster aggregation) goes through it
   * too; the parent's version supplies name, help and type, the values are ours.
   */
  async getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const base = await (Histogram.prototype as unknown as PromString).getForPromString.call(this);
    return { ...base, values: this.values() };
  }

  private values(): MetricValueWithName<string>[] {
    // sharedLabels: prom-client's get() merges them into labels and expects them present.
    const value = (suffix: string, labels: { le?: number | string }, v: number): MetricValueWithName<string> =>
      ({ metricName: `${LATENCY_NAME}_${suffix}`, labels, sharedLabels: {}, value: v } as MetricValueWithName<string>);
    let cumulative = 0;
    return [
      ...LATENCY_BUCKETS.map((le, i) => value('bucket', { le }, (cumulative += this.counts[i]!))),
      value('bucket', { le: '+Inf' }, this.total),
      value('sum', {}, this.sum),
      value('count', {}, this.total),
    ];
  }
}

/** The undeclared method prom-client's Histogram has and its registry prefers (lib/histogram.js). */
interface PromString {
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<string>>>;
}

export class DnsMetrics {
  readonly registry = new Registry();
  /** Queries by QTYPE below 256 (every type we name, by index); unnamed types export as `other`. */
  private readonly byType = new Float64Array(257);
  private readonly byRcode = new Float64Array(16);
  private malformed = 0;
  private readonly latency: PlainHistogram;

  constructor() {
    const { byType, byRcode } = this;
    const malformed = (): number => this.malformed;
    new Counter({
      name: 'cairn_dns_requests_total', help: 'DNS queries answered, by query type', labelNames: ['type'], registers: [this.registry],
      collect() {
        this.reset();
        byType.forEach((n, qtype) => { if (n) this.inc({ type: TYPE_NAMES.get(qtype) ?? 'other' }, n); });
      },
    });
    new Counter({
      name: 'cairn_dns_responses_total', help: 'DNS responses sent, by rcode', labelNames: ['rcode'], registers: [this.registry],
      collect() {
        this.reset();
        byRcode.forEach((n, code) => { if (n) this.inc({ rcode: RCODE_NAMES[code] ?? String(code) }, n); });
      },
    });
    new Counter({
      name: 'cairn_dns_malformed_packets_total', help: 'Packets dropped because they were not a well-formed query', registers: [this.registry],
      collect() { this.reset(); this.inc(malformed()); },
    });
    this.latency = new PlainHistogram({ name: LATENCY_NAME, help: 'Time from receiving a query to handing its response to the socket', buckets: LATENCY_BUCKETS, registers: [this.registry] });
  }

  /** One answered query; `seconds` from receipt to send. */
  answered(qtype: number, rcode: number, seconds: number): void {
    this.byType[qtype < 256 ? qtype : 256]! += 1;
    this.byRcode[rcode & 0x0f]! += 1;
    this.latency.record(seconds);
  }

  droppedMalformed(): void {
    this.malformed++;
  }

  get malformedCount(): number {
    return this.malformed;
  }
}
