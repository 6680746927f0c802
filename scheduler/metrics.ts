/** The scheduler's Prometheus metrics, named as kube-scheduler names them. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueLengths } from './queue/scheduling-queue.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class SchedulerMetrics {
  readonly registry = new Registry();
  readonly attempts = new Counter({
    name: 'scheduler_schedule_attempts_total', help: 'Scheduling attempts by result (scheduled, unschedulable, error) and profile.',
    labelNames: ['result', 'profile'], registers: [this.registry],
  });
  readonly attemptDuration = new Histogram({
    name: 'scheduler_scheduling_attempt_duration_seconds', help: 'One scheduling cycle (filter, score, preemption), by result.',
    labelNames: ['result', 'profile'], buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly e2eLatency = new Histogram({
    name: 'scheduler_pod_scheduling_sli_duration_seconds', help: 'From a pod entering the queue to its bind succeeding, across attempts.',
    labelNames: ['attempts'], buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly bindDuration = new Histogram({
    name: 'scheduler_binding_duration_seconds', help: 'Time the binding subresource call took.', buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly preemptionAttempts = new Counter({ name: 'scheduler_preemption_attempts_total', help: 'Preemption attempts.', registers: [this.registry] });
  readonly preemptionVictims = new Histogram({
    name: 'scheduler_preemption_victims', help: 'Pods evicted per successful preemption.', buckets: [1, 2, 4, 8, 16, 32, 64], registers: [this.registry],
  });

  constructor(queueLengths: () => QueueLengths, bindsInFlight: () => number) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'scheduler_pending_pods', help: 'Pods waiting in each scheduling queue.', labelNames: ['queue'], registers: [this.registry],
      collect() {
        const q = queueLengths();
        this.set({ queue: 'active' }, q.active);
        this.set({ queue: 'backoff' }, q.backoff);
        this.set({ queue: 'unschedulable' }, q.unschedulable);
      },
    });
    new Gauge({
      name: 'scheduler_binds_in_flight', help: 'Bind calls sent and not yet answered.', registers: [this.registry],
      collect() { this.set(bindsInFlight()); },
    });
  }
}
