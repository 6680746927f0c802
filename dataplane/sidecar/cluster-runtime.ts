/**
 * The live state of each cluster, kept across config swaps (the config itself is immutable): its load balancer,
 * outlier detector, circuit breaker (opossum), keep-alive agents per endpoint and the in-flight counts they need.
 *
 * Circuit breaking: every upstream attempt runs through the cluster's breaker, whose `capacity` is `max_requests`
 * (Envoy's default 1024): attempts beyond it are refused (503, counted as overflow). Refusals and failed attempts
 * (connect failure, reset, timeout) count as failures; when at least half of 20 or more attempts in 10 s fail, the
 * circuit opens and the cluster fails fast for 5 s, then lets one attempt probe it. HTTP error responses do not
 * count (outlier ejection handles bad endpoints).
 */
import { Agent } from 'node:http';
import CircuitBreaker from 'opossum';
import type { ClusterEntry, Endpoint, ProxyConfig } from './config-model.js';
import { endpointKey, LoadBalancer } from './load-balancer.js';
import { OutlierDetector } from './outlier.js';
import type { SidecarStats } from './stats.js';

const DEFAULT_MAX_REQUESTS = 1024;

/** Closes an agent's idle sockets and each busy one once its request is done, so in-flight requests finish. */
function retire(agent: Agent): void {
  agent.on('free', (socket: { destroy(): void }) => socket.destroy());
  for (const sockets of Object.values(agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
}

/** Thrown through the breaker for a failed attempt, so it counts as a failure; carries the attempt's result. */
export class AttemptFailed extends Error {
  constructor(readonly result: { kind: 'connect-failure' | 'reset' | 'timeout'; error: string }) {
    super(result.error);
  }
}

type Run<T> = () => Promise<T>;

export class ClusterRuntime {
  lb: LoadBalancer;
  readonly outlier: OutlierDetector;
  private breaker: CircuitBreaker<[Run<unknown>], unknown>;
  private breakerKey: string;
  private readonly agents = new Map<string, Agent>();
  private readonly active = new Map<string, number>();
  activeRequests = 0;
  activeRetries = 0;

  constructor(private entry: ClusterEntry, private readonly stats: SidecarStats) {
    this.outlier = new OutlierDetector(entry.outlier, () => stats.ejections.inc({ cluster: entry.name }));
    this.lb = this.newBalancer();
    this.breakerKey = JSON.stringify(entry.thresholds);
    this.breaker = this.newBreaker();
  }

  get cluster(): ClusterEntry {
    return this.entry;
  }

  /** Takes a changed cluster definition: a new balancer or breaker only when their settings changed. */
  update(entry: ClusterEntry): void {
    if (entry === this.entry) return;
    const previous = this.entry;
    this.entry = entry;
    if (entry.lb !== previous.lb) this.lb = this.newBalancer();
    this.outlier.setPolicy(entry.outlier);
    const key = JSON.stringify(entry.thresholds);
    if (key !== this.breakerKey) {
      this.breaker.shutdown();
      this.breakerKey = key;
      this.breaker = this.newBreaker();
    }
    if (entry.thresholds.maxConnections !== previous.thresholds.maxConnections) this.closeAgents();
  }

  /** Runs one attempt through the circuit breaker; rejects with opossum's ESEMLOCKED / EOPENBREAKER or AttemptFailed. */
  fire<T>(run: Run<T>): Promise<T> {
    return this.breaker.fire(run) as Promise<T>;
  }

  /** The keep-alive agent for `endpoint` (max_connections bounds its sockets; requests beyond queue in it). */
  agent(endpoint: Endpoint): Agent {
    const key = endpointKey(endpoint);
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new Agent({ keepAlive: true, maxSockets: this.entry.thresholds.maxConnections ?? Infinity });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Counts a request in flight to `endpoint` until the returned function is called. */
  track(endpoint: Endpoint): () => void {
    const key = endpointKey(endpoint);
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
    return () => this.active.set(key, (this.active.get(key) ?? 1) - 1);
  }

  /** Drops state of endpoints no longer in the cluster. */
  retain(endpoints: readonly Endpoint[]): void {
    const keys = new Set(endpoints.map(endpointKey));
    this.outlier.retain(keys);
    for (const [key, agent] of this.agents) {
      if (keys.has(key)) continue;
      retire(agent);
      this.agents.delete(key);
    }
    for (const key of this.active.keys()) if (!keys.has(key) && !this.active.get(key)) this.active.delete(key);
  }

  close(): void {
    this.breaker.shutdown();
    this.stats.circuitOpen.remove({ cluster: this.entry.name });
    this.closeAgents();
  }

  private closeAgents(): void {
    for (const agent of this.agents.values()) retire(agent);
    this.agents.clear();
  }

  private newBalancer(): LoadBalancer {
    return new LoadBalancer(this.entry.lb, (k) => this.active.get(k) ?? 0, (k) => this.outlier.isEjected(k));
  }

  private newBreaker(): CircuitBreaker<[Run<unknown>], unknown> {
    const breaker = new CircuitBreaker((run: Run<unknown>) => run(), {
      capacity: this.entry.thresholds.maxRequests ?? DEFAULT_MAX_REQUESTS,
      timeout: false,
      errorThresholdPercentage: 50,
      volumeThreshold: 20,
      resetTimeout: 5000,
      rollingCountTimeout: 10_000,
      name: this.entry.name,
    });
    const cluster = this.entry.name;
    breaker.on('open', () => this.stats.circuitOpen.set({ cluster }, 1));
    breaker.on('halfOpen', () => this.stats.circuitOpen.set({ cluster }, 0));
    breaker.on('close', () => this.stats.circuitOpen.set({ cluster }, 0));
    this.stats.circuitOpen.set({ cluster }, 0);
    return breaker;
  }
}

/** The runtimes of the config's clusters, created on first use and closed when their cluster goes away. */
export class ClusterRuntimes {
  private readonly byName = new Map<string, ClusterRuntime>();

  constructor(private readonly stats: SidecarStats) {}

  get(entry: ClusterEntry): ClusterRuntime {
    let runtime = this.byName.get(entry.name);
    if (!runtime) {
      runtime = new ClusterRuntime(entry, this.stats);
      this.byName.set(entry.name, runtime);
    }
    runtime.update(entry);
    return runtime;
  }

  /** After a config swap: closes runtimes of removed clusters, forgets removed endpoints. */
  sync(config: ProxyConfig, endpointsOf: (c: ClusterEntry) => readonly Endpoint[]): void {
    for (const [name, runtime] of this.byName) {
      const entry = config.clusters.get(name);
      if (!entry) {
        runtime.close();
        this.byName.delete(name);
      } else {
        runtime.update(entry);
        runtime.retain(endpointsOf(entry));
      }
    }
  }

  closeAll(): void {
    for (const runtime of this.byName.values()) runtime.close();
    this.byName.clear();
  }
}
