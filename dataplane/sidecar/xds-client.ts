/**
 * The sidecar's ADS client (State of the World, one gRPC stream for all four types).
 *
 * Contract, per stream:
 * - opens LDS and CDS by wildcard (no names), then RDS and EDS with the names the applied listeners and clusters
 *   need, re-sending the request whenever those names change; the node goes on the first request only;
 * - each resource of a response is validated (resource-decode.ts); the good ones are applied (a new immutable
 *   ProxyConfig, handed to `onConfig`); the response is ACKed with its version and nonce if all were good, else
 *   NACKed with the same nonce, the last fully accepted version and `error_detail` naming each bad resource;
 * - a route table naming a cluster whose endpoints have not arrived yet is held back (cluster warming, as Envoy and
 *   gRPC do) until CDS and EDS bring them, at most WARMING_TIMEOUT_MS: a just-added canary subset never gets traffic
 *   before it has endpoints;
 * - when the stream fails or ends it reconnects with exponential backoff (jittered) and subscribes again,
 *   reporting the versions it holds; the config stays in force while disconnected.
 */
import { credentials, makeGenericClientConstructor, status, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import { aggregatedDiscoveryService, CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, RESOURCE_TYPES, ROUTE_TYPE, type ResourceType } from '../../control/xds-server/protos.js';
import { EMPTY_CONFIG, edsNames, routeNames, withUpdate, type DecodedUpdate, type ProxyConfig } from './config-model.js';
import { decodeResponse } from './resource-decode.js';
import type { AnyValue, DiscoveryRequest, ReceivedResponse } from './xds-types.js';

export interface XdsClientOptions {
  /** `host:port` of the ADS server. */
  server: string;
  nodeId: string;
  /** The node's cluster (Envoy's `--service-cluster`), sent with the node. */
  nodeCluster?: string;
  onConfig: (config: ProxyConfig) => void;
  /** Each ACK and NACK, for stats and logs. */
  onResponse?: (type: ResourceType, outcome: 'ack' | 'nack', detail: string) => void;
  log?: (line: string) => void;
  backoff?: { initialMs: number; maxMs: number };
}

type AdsCall = ClientDuplexStream<DiscoveryRequest, ReceivedResponse>;
// The generic constructor adds the service's methods dynamically; this is the one the client calls.
type AdsClient = Client & { StreamAggregatedResources(): AdsCall };

const KNOWN: ReadonlySet<string> = new Set(RESOURCE_TYPES);
/** How long a route table waits for its clusters' endpoints before it applies anyway (gRPC waits as long). */
export const WARMING_TIMEOUT_MS = 5000;

type RouteUpdate = Extract<DecodedUpdate, { type: typeof ROUTE_TYPE }>;

/** Whether every cluster the tables route to is known and has its endpoints (an empty list counts: EDS answered). */
function clustersWarm(config: ProxyConfig, update: RouteUpdate): boolean {
  return update.items.every((t) => t.virtualHosts.every((vh) => vh.routes.every((r) => r.clusters.every((wc) => {
    const cluster = config.clusters.get(wc.name);
    return cluster !== undefined && config.endpoints.has(cluster.edsName ?? cluster.name);
  }))));
}
/** google.rpc.Code INVALID_ARGUMENT, as Envoy sends in a NACK. */
const INVALID_ARGUMENT = 3;

export class XdsClient {
  private config: ProxyConfig = EMPTY_CONFIG;
  private client: AdsClient | undefined;
  private call: AdsCall | undefined;
  private nodeSent = false;
  /** Per type on the current stream: the last nonce received and the names last requested. */
  private nonces = new Map<ResourceType, string>();
  private requested = new Map<ResourceType, string>();
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** A route update held back until its clusters are warm (later route updates merge into it). */
  private warming: { update: RouteUpdate; version: string; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly opts: XdsClientOptions) {}

  get current(): ProxyConfig {
    return this.config;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.warming?.timer);
    this.warming = undefined;
    this.call?.cancel();
    this.client?.close();
    this.call = undefined;
    this.client = undefined;
  }

  private connect(): void {
    if (!this.client) {
      const Ctor = makeGenericClientConstructor(aggregatedDiscoveryService(true), 'AggregatedDiscoveryService');
      this.client = new Ctor(this.opts.server, credentials.createInsecure()) as unknown as AdsClient;
    }
    const call = this.client.StreamAggregatedResources();
    this.call = call;
    this.nodeSent = false;
    this.nonces.clear();
    this.requested.clear();
    call.on('data', (resp: ReceivedResponse) => {
      this.failures = 0;
      this.handle(resp);
    });
    const lost = (why: string): void => {
      if (this.call !== call) return;
      this.call = undefined;
      call.cancel();
      this.reconnect(why);
    };
    call.on('error', (err: Error & { code?: number }) => lost(err.code === status.CANCELLED ? 'cancelled' : err.message));
    call.on('end', () => lost('stream ended by the server'));
    for (const type of [LISTENER_TYPE, CLUSTER_TYPE] as const) this.request(type, [], this.config.versions[type], '');
    this.subscribeNamed('');
  }

  private reconnect(why: string): void {
    if (this.stopped) return;
    const { initialMs, maxMs } = this.opts.backoff ?? { initialMs: 250, maxMs: 30_000 };
    const ceiling = Math.min(maxMs, initialMs * 2 ** this.failures++);
    const delay = ceiling / 2 + Math.random() * ceiling / 2;
    this.opts.log?.(`xds: stream to ${this.opts.server} lost (${why}); reconnecting in ${Math.round(delay)} ms`);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private handle(resp: ReceivedResponse): void {
    if (!KNOWN.has(resp.type_url)) return;
    const type = resp.type_url as ResourceType;
    this.nonces.set(type, resp.nonce);
    const { update, errors } = decodeResponse(type, resp.resources as unknown as AnyValue[]);
    // The good resources apply even when others are bad (as gRPC does); a bad one keeps its last good version, and
    // the response is NACKed naming each bad resource, so the version stays the last fully accepted one.
    const version = errors.length ? this.config.versions[type] : resp.version_info;
    const kept = keepPrevious(this.config, update, new Set(errors.map((e) => e.name)));
    if (kept.type === ROUTE_TYPE) this.applyRoutes(kept, version);
    else {
      this.apply(kept, version);
      this.applyWarmRoutes(false);
    }
    if (errors.length) {
      const message = `xDS response validation errors: [${errors.map((e) => e.error).join('; ')}]`;
      this.request(type, this.namesFor(type), version, resp.nonce, message);
      this.opts.onResponse?.(type, 'nack', message);
      this.opts.log?.(`xds: rejected part of ${type} version ${resp.version_info}: ${message}`);
    } else {
      this.request(type, this.namesFor(type), version, resp.nonce);
      this.opts.onResponse?.(type, 'ack', resp.version_info);
    }
    // New listeners or clusters may name route tables or load assignments not yet subscribed to.
    if (type === LISTENER_TYPE || type === CLUSTER_TYPE) this.subscribeNamed(undefined);
  }

  private apply(update: DecodedUpdate, version: string): void {
    this.config = withUpdate(this.config, update, version);
    this.opts.onConfig(this.config);
  }

  /** Applies a route update now if its clusters are warm, else holds it (merged with one already held). */
  private applyRoutes(update: RouteUpdate, version: string): void {
    const held = this.warming;
    const names = new Set(update.items.map((t) => t.name));
    const merged: RouteUpdate = held ? { type: ROUTE_TYPE, items: [...held.update.items.filter((t) => !names.has(t.name)), ...update.items] } : update;
    if (clustersWarm(this.config, merged)) {
      clearTimeout(held?.timer);
      this.warming = undefined;
      this.apply(merged, version);
      return;
    }
    this.warming = { update: merged, version, timer: held?.timer ?? setTimeout(() => this.applyWarmRoutes(true), WARMING_TIMEOUT_MS) };
  }

  /** After CDS/EDS changes (or the warming timeout, `force`): applies the held route update once its clusters are warm. */
  private applyWarmRoutes(force: boolean): void {
    const held = this.warming;
    if (!held || !(force || clustersWarm(this.config, held.update))) return;
    clearTimeout(held.timer);
    this.warming = undefined;
    if (force) this.opts.log?.(`xds: applying routes version ${held.version} after ${WARMING_TIMEOUT_MS} ms without all their clusters' endpoints`);
    this.apply(held.update, held.version);
  }

  /** The names a request of `type` carries: none (wildcard) for LDS and CDS. */
  private namesFor(type: ResourceType): string[] {
    if (type === ROUTE_TYPE) return [...routeNames(this.config)].sort();
    if (type === ENDPOINT_TYPE) return [...edsNames(this.config)].sort();
    return [];
  }

  /** (Re)subscribes RDS and EDS when the names needed differ from those requested; `nonce` '' opens them. */
  private subscribeNamed(nonce: '' | undefined): void {
    for (const type of [ROUTE_TYPE, ENDPOINT_TYPE] as const) {
      const names = this.namesFor(type);
      const previous = this.requested.get(type);
      if (names.join('\n') === previous || (previous === undefined && names.length === 0)) continue;
      this.request(type, names, this.config.versions[type], nonce ?? this.nonces.get(type) ?? '');
    }
  }

  private request(type: ResourceType, names: string[], version: string, nonce: string, error?: string): void {
    const req: DiscoveryRequest = {
      type_url: type,
      resource_names: names,
      version_info: version,
      response_nonce: nonce,
      ...(error === undefined ? {} : { error_detail: { code: INVALID_ARGUMENT, message: error } }),
      ...(this.nodeSent ? {} : { node: { id: this.opts.nodeId, cluster: this.opts.nodeCluster ?? '', user_agent_name: 'cairn-sidecar', locality: {} } }),
    };
    this.nodeSent = true;
    if (type === ROUTE_TYPE || type === ENDPOINT_TYPE) this.requested.set(type, names.join('\n'));
    this.call?.write(req);
  }
}

/**
 * For LDS and CDS (each response is the whole set): the bad resources' last good versions, kept in the update so
 * that a bad resource is not taken for a removed one. RDS and EDS updates name only what they carry.
 */
function keepPrevious(config: ProxyConfig, update: DecodedUpdate, bad: ReadonlySet<string>): DecodedUpdate {
  if (bad.size === 0) return update;
  if (update.type === LISTENER_TYPE) {
    return { ...update, items: [...update.items, ...[...bad].flatMap((n) => config.listeners.get(n) ?? [])] };
  }
  if (update.type === CLUSTER_TYPE) {
    const kept = [...bad].flatMap((n) => {
      const cluster = config.clusters.get(n);
      if (!cluster) return [];
      const inline = cluster.edsName === undefined ? config.endpoints.get(n) : undefined;
      return [{ cluster, ...(inline ? { inlineEndpoints: [...inline] } : {}) }];
    });
    return { ...update, items: [...update.items, ...kept] };
  }
  return update;
}
