/**
 * `startXdsServer`: the Envoy xDS v3 ADS server (State of the World and Delta) over gRPC, fed by Service, Endpoints,
 * Pod and mesh policy (TrafficRoute, DestinationPolicy, MeshAuthorization) informers. Every stream reads the same
 * immutable snapshot through its own view (its subscriptions and what it was sent), so no per-node snapshot is
 * ever built: each change is diffed once and each stream looks only at the changed names, pushing those it
 * subscribed to.
 * Around it: the registry of connected proxies, the status writer turning their ACKs and NACKs into the mesh
 * policies' `Accepted` condition, and (with `metricsPort`) /metrics and /debug/xds/proxies.
 */
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import type { ApiClient } from '../client/client.js';
import { Informer } from '../client/informer.js';
import { serveMetrics, type MetricsServer } from '../../agent/metrics-server.js';
import { AdsStream } from './ads-stream.js';
import { DeltaStream, type DeltaDiscoveryRequest, type DeltaDiscoveryResponse } from './delta-stream.js';
import type { StreamBook, StreamEvent } from './stream-state.js';
import type { DiscoveryRequest } from './generated-types.js';
import type { MeshKind, MeshObjects } from './mesh-store.js';
import { DEFAULT_ZONE } from './naming.js';
import { ProxyRegistry } from './proxy-registry.js';
import { PushScheduler, type PushSchedulerOptions } from './push-scheduler.js';
import { adsServerDefinition, type OutgoingResponse } from './response-codec.js';
import { SnapshotCache, type Snapshot } from './snapshot-cache.js';
import { snapshotDiff, type SnapshotDiff } from './snapshot-diff.js';
import { DELIVERED_NOT_ENFORCED } from './policy-status.js';
import { StatusWriter, type MeshPolicy, type StatusWriterOptions } from './status-writer.js';
import { XdsMetrics } from './xds-metrics.js';

export interface XdsServerOptions {
  client: ApiClient;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Cluster domain in resource names (default cluster.local). */
  zone?: string;
  log?: (line: string) => void;
  /** Serve /metrics, /healthz and /debug/xds/proxies on metricsHost:metricsPort (0: a free port); off when unset. */
  metricsPort?: number;
  /** Default 127.0.0.1: the endpoints are not authenticated. */
  metricsHost?: string;
  /** Write mesh policies' status from ACKs and NACKs (default true). */
  writeStatus?: boolean;
  status?: Omit<StatusWriterOptions, 'log'>;
  /** How snapshot pushes are batched and spread over the event loop (push-scheduler.ts). */
  pushes?: PushSchedulerOptions;
}

export interface XdsServer {
  port: number;
  cache: SnapshotCache;
  /** Open streams, for tests and diagnostics. */
  streams: ReadonlySet<StreamBook>;
  registry: ProxyRegistry;
  metrics: XdsMetrics;
  /** The bound metrics port, when `metricsPort` was given. */
  metricsPort?: number;
  stop(): Promise<void>;
}

export async function startXdsServer(opts: XdsServerOptions): Promise<XdsServer> {
  const log = opts.log ?? (() => {});
  const cache = new SnapshotCache(opts.zone ?? DEFAULT_ZONE);
  const policies = ([['trafficroutes', 'TrafficRoute'], ['destinationpolicies', 'DestinationPolicy'], ['meshauthorizations', 'MeshAuthorization']] as const)
    .map(([plural, kind]) => ({
      informer: watch(plural, kind), client: opts.client.resource<MeshPolicy>(plural),
      ...(kind === 'MeshAuthorization' ? { meaning: DELIVERED_NOT_ENFORCED } : {}),
    }));
  const informers = [watch('services', 'Service'), watch('endpoints', 'Endpoints'), watch('pods', 'Pod'), ...policies.map((p) => p.informer)];
  function watch<K extends MeshKind>(plural: string, kind: K): Informer<MeshObjects[K]> {
    const informer = new Informer(opts.client.resource<MeshObjects[K]>(plural));
    informer.on('add', (o) => cache.set(kind, o));
    informer.on('update', (_old, o) => cache.set(kind, o));
    informer.on('delete', (o) => cache.delete(kind, o));
    return informer;
  }

  const registry = new ProxyRegistry();
  const metrics = new XdsMetrics(() => registry.size);
  const statusWriter = opts.writeStatus === false ? undefined : new StatusWriter(policies, registry, { ...opts.status, log });
  /** Open streams of both protocol variants, each with the function pushing a snapshot change to it. */
  const streams = new Map<StreamBook, { push: (snapshot: Snapshot, diff: SnapshotDiff) => void; end: () => void }>();
  // Every stream is visited (an uninterested one costs a look at the changed names): it must hold the latest
  // snapshot to answer its next request from it.
  const scheduler = new PushScheduler<StreamBook>((stream, snapshot, diff) => streams.get(stream)?.push(snapshot, diff), opts.pushes);
  let previous = cache.snapshot;
  cache.on('change', (snapshot) => {
    metrics.snapshotCreated(snapshot.version);
    const diff = snapshotDiff(previous, snapshot);
    previous = snapshot;
    scheduler.enqueue(snapshot, diff, streams.keys());
  });

  const onEvent = (stream: () => StreamBook) => (event: StreamEvent): void => {
    metrics.observe(event);
    // The status writer cares about ACKs and NACKs (and proxies leaving), not about every push.
    if (event.kind !== 'push') registry.changed();
    if (event.kind === 'nack') log(`xds: node ${stream().node?.id ?? '?'} rejected ${event.type} version ${event.version}: ${event.message}`);
  };
  /** Serves one ADS call with `stream` (SotW or Delta): requests in, responses out, registered while open. */
  function serve<Req, Res>(call: ServerDuplexStream<Req, Res>, stream: StreamBook & { handleRequest(r: Req): Res[]; handleSnapshot(s: Snapshot, d: SnapshotDiff): Res[] }): void {
    const send = (responses: Res[]): void => { for (const r of responses) call.write(r); };
    streams.set(stream, { push: (snapshot, diff) => send(stream.handleSnapshot(snapshot, diff)), end: () => call.end() });
    registry.add(stream);
    const close = (): void => {
      streams.delete(stream);
      scheduler.forget(stream);
      registry.remove(stream);
    };
    call.on('data', (req: Req) => send(stream.handleRequest(req)));
    call.on('end', () => { close(); call.end(); });
    call.on('error', close);
    call.on('cancelled', close);
  }

  const server = new Server();
  server.addService(adsServerDefinition(), {
    StreamAggregatedResources(call: ServerDuplexStream<DiscoveryRequest, OutgoingResponse>) {
      const stream: AdsStream = new AdsStream(cache.snapshot, onEvent(() => stream));
      serve(call, stream);
    },
    DeltaAggregatedResources(call: ServerDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>) {
      const stream: DeltaStream = new DeltaStream(cache.snapshot, onEvent(() => stream));
      serve(call, stream);
    },
  });

  let metricsServer: MetricsServer | undefined;
  const stop = async (): Promise<void> => {
    for (const { end } of streams.values()) end();
    streams.clear();
    scheduler.stop();
    server.forceShutdown();
    await statusWriter?.stop();
    await Promise.all([...informers.map((i) => i.stop()), metricsServer?.close()]);
  };
  let port: number;
  try {
    statusWriter?.start();
    await Promise.all(informers.map((i) => i.start()));
    if (opts.metricsPort !== undefined) {
      metricsServer = await serveMetrics(metrics.registry, opts.metricsPort, opts.metricsHost, { '/debug/xds/proxies': () => registry.list() });
    }
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${opts.host}:${opts.port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
  } catch (err) {
    await stop();
    throw err;
  }
  log(`xds: serving ADS on ${opts.host}:${port}${metricsServer ? `, metrics on ${opts.metricsHost ?? '127.0.0.1'}:${metricsServer.port}` : ''}`);
  return { port, cache, get streams() { return new Set(streams.keys()); }, registry, metrics, metricsPort: metricsServer?.port, stop };
}
