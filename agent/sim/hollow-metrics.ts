/** Prometheus metrics of a hollow fleet, read from its counters at scrape time (nothing to keep up to date in between). */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface HollowStats {
  nodesRegistered: number;
  podsRunning: number;
  podStatusWrites: number;
  podDeletionsConfirmed: number;
  podErrors: number;
  leaseRenewals: number;
  leaseFailures: number;
}

export function hollowMetrics(stats: () => HollowStats): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, read: (s: HollowStats) => number): void => {
    new Gauge({ name, help, registers: [registry], collect() { this.set(read(stats())); } });
  };
  // Set from the fleet's own running totals at each scrape, which only grow.
  const counter = (name: string, help: string, read: (s: HollowStats) => number): void => {
    new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read(stats())); } });
  };
  gauge('cairn_hollow_nodes_registered', 'Hollow nodes registered with the API.', (s) => s.nodesRegistered);
  gauge('cairn_hollow_pods_running', 'Pods this fleet reports Running.', (s) => s.podsRunning);
  counter('cairn_hollow_pod_status_writes_total', 'Pod status writes (Running/Ready).', (s) => s.podStatusWrites);
  counter('cairn_hollow_pod_deletions_confirmed_total', 'Pod deletions confirmed with a zero grace period.', (s) => s.podDeletionsConfirmed);
  counter('cairn_hollow_pod_errors_total', 'Failed pod writes (retried when transient).', (s) => s.podErrors);
  counter('cairn_node_lease_renewals_total', 'Node lease renewals (creations included).', (s) => s.leaseRenewals);
  counter('cairn_node_lease_failures_total', 'Node lease renewals that failed after retries.', (s) => s.leaseFailures);
  return registry;
}
