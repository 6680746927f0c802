/**
 * The live state of each cluster, kept across config swaps (the config itself is immutable): its load balancer,
 * outlier detector, keep-alive agents per endpoint and the in-flight counts its limits need.
 *
 * Circuit breaking is Envoy's: concurrency limits only, never an error rate. An attempt is refused (503, counted as
 * overflow, not retried) when the cluster already has `max_requests` attempts in flight (default 1024) or
 * `max_pending_requests` waiting for a connection (default 1024; `max_connections` bounds each endpoint's sockets);
 * `max_retries` bounds concurrent retries (retry.ts). A failing endpoint is left to outlier ejection, so one dead
 * endpoint never takes its healthy peers down with it.
 *
 * Only `sync` (a config swap) changes a runtime; a removed cluster's runtime drains: it stays reachable for requests
 * routed on the old config and closes its agents once its last request ends.
 */
import { Agent } from 'node:http';
import type { ClusterEntry, Endpoint, ProxyConfig } from './config-model.js';
import { endpointKey, LoadBalancer } from './load-balancer.js';
import { OutlierDetector } from './outlier.js';
import type { SidecarStats } from './stats.js';

const DEFAULT_MAX_REQUESTS = 1024;
const DEFAULT_MAX_PENDING = 1024;

/** For a request reaching a runtime after it closed (rare: a request on a config two swaps old): no keep-alive, nothing to leak. */
const ONE_SHOT = new Agent({ keepAlive: false });

/** Closes an agent's idle sockets and each busy one once its request is done, so in-flight requests finish. */
function retire(agent: Agent): void {
  agent.on('free', (socket: { destroy(): void }) => socket.destroy());
  for (const sockets of Object.values(agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
}

export class ClusterRuntime {
  lb: LoadBalancer;
  readonly outlier: OutlierDetector;
  private readonly agents = new Map<string, Agent>();
  private readonly active = new Map<string, number>();
  activeRequests = 0;
  activeRetries = 0;
  private attempts = 0;
  private draining: (() => void) | undefined;
  private closed = false;

  constructor(private entry: ClusterEntry, stats: SidecarStats) {
    this.outlier = new OutlierDetector(entry.outlier, () => stats.ejections.inc({ cluster: entry.name }));
    this.lb = this.newBalancer();
  }

  get cluster(): ClusterEntry {
    return this.entry;
  }

  /** Takes a changed cluster definition (config swaps only): a new balancer only when its policy changed. */
  update(entry: ClusterEntry): void {
    if (entry === this.entry) return;
    const previous = this.entry;
    this.entry = entry;
    if (entry.lb !== previous.lb) this.lb = this.newBalancer();
    this.outlier.setPolicy(entry.outlier);
    if (entry.thresholds.maxConnections !== previous.thresholds.maxConnections) this.closeAgents();
  }

  /** Counts one request routed to this cluster until the returned function is called (a draining runtime closes after its last). */
  begin(): () => void {
    this.activeRequests++;
    return () => {
      this.activeRequests--;
      if (this.activeRequests === 0 && this.draining) this.close();
    };
  }

  /**
   * Admits one attempt under the cluster's concurrency limits: a function to call when it ends, or the name of the
   * limit that overflowed.
   */
  admit(): (() => void) | string {
    const t = this.entry.thresholds;
    if (this.attempts >= (t.maxRequests ?? DEFAULT_MAX_REQUESTS)) return 'max_requests';
    if (this.pending() >= (t.maxPendingRequests ?? DEFAULT_MAX_PENDING)) return 'max_pending_requests';
    this.attempts++;
    return () => { this.attempts--; };
  }

  /** Requests queued in the agents for a free socket (only when max_connections is set do they queue). */
  private pending(): number {
    let n = 0;
    for (const agent of this.agents.values()) for (const queue of Object.values(agent.requests)) n += queue?.length ?? 0;
    return n;
  }

  /** The keep-alive agent for `endpoint` (max_connections bounds its sockets; requests beyond queue in it). */
  agent(endpoint: Endpoint): Agent {
    if (this.closed) return ONE_SHOT;
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

  /** The cluster left the config: close once no request uses it (now if none does and `closeIfIdle`); `onClosed` then runs. */
  drain(onClosed: () => void, closeIfIdle = true): void {
    this.draining = onClosed;
    if (closeIfIdle && this.activeRequests === 0) this.close();
  }

  /** Back in the config while draining: keep it. */
  undrain(): void {
    this.draining = undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeAgents();
    this.draining?.();
  }

  private closeAgents(): void {
    for (const agent of this.agents.values()) retire(agent);
    this.agents.clear();
  }

  private newBalancer(): LoadBalancer {
    return new LoadBalancer(this.entry.lb, (k) => this.active.get(k) ?? 0, (k) => this.outlier.isEjected(k));
  }
}

/** The runtimes of the config's clusters: created on first use, changed by config swaps, drained when removed. */
export class ClusterRuntimes {
  private readonly byName = new Map<string, ClusterRuntime>();
  private readonly draining = new Map<string, ClusterRuntime>();
  /** The clusters of the last synced config (undefined before the first). */
  private known: ReadonlySet<string> | undefined;

  constructor(private readonly stats: SidecarStats) {}

  /**
   * The runtime for a cluster of the config a request was routed with. It is never updated here: that config may be
   * older than the runtime's, and only `sync` moves a runtime forward.
   */
  get(entry: ClusterEntry): ClusterRuntime {
    const existing = this.byName.get(entry.name) ?? this.draining.get(entry.name);
    if (existing) return existing;
    const runtime = new ClusterRuntime(entry, this.stats);
    if (!this.known || this.known.has(entry.name)) this.byName.set(entry.name, runtime);
    else this.drainLater(entry.name, runtime);
    return runtime;
  }

  /** After a config swap: updates kept clusters, drains removed ones, forgets removed endpoints. */
  sync(config: ProxyConfig, endpointsOf: (c: ClusterEntry) => readonly Endpoint[]): void {
    this.known = new Set(config.clusters.keys());
    for (const [name, runtime] of this.draining) {
      if (!config.clusters.has(name)) continue;
      runtime.undrain();
      this.draining.delete(name);
      this.byName.set(name, runtime);
    }
    for (const [name, runtime] of this.byName) {
      const entry = config.clusters.get(name);
      if (!entry) {
        this.byName.delete(name);
        this.draining.set(name, runtime);
        runtime.drain(() => this.forget(name, runtime));
      } else {
        runtime.update(entry);
        runtime.retain(endpointsOf(entry));
      }
    }
  }

  closeAll(): void {
    for (const runtime of [...this.byName.values(), ...this.draining.values()]) runtime.close();
    this.byName.clear();
    this.draining.clear();
  }

  /** A runtime for a cluster no longer in the config, made for a request on an old one: closes after its requests. */
  private drainLater(name: string, runtime: ClusterRuntime): void {
    this.draining.set(name, runtime);
    // Closed when its request ends (begin()); a request that never begins creates no agents, so nothing leaks.
    runtime.drain(() => this.forget(name, runtime), false);
  }

  private forget(name: string, runtime: ClusterRuntime): void {
    if (this.draining.get(name) === runtime) this.draining.delete(name);
  }
}
