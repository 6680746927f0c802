/**
 * `startXdsServer`: the Envoy xDS v3 ADS server (State of the World) over gRPC, fed by Service, Endpoints, Pod and
 * mesh policy (TrafficRoute, DestinationPolicy, MeshAuthorization) informers. Every stream gets the same snapshot
 * (per-node snapshots are still to come); each informer event updates the snapshot and pushes the changed resources
 * to every stream that subscribed to them.
 */
import { Server, ServerCredentials, status, type ServerDuplexStream, type ServerErrorResponse } from '@grpc/grpc-js';
import type { ApiClient } from '../client/client.js';
import { Informer } from '../client/informer.js';
import { AdsStream } from './ads-stream.js';
import type { DiscoveryRequest, DiscoveryResponse } from './generated-types.js';
import type { MeshKind, MeshObjects } from './mesh-store.js';
import { DEFAULT_ZONE } from './naming.js';
import { aggregatedDiscoveryService } from './protos.js';
import { SnapshotCache } from './snapshot-cache.js';

export interface XdsServerOptions {
  client: ApiClient;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Cluster domain in resource names (default cluster.local). */
  zone?: string;
  log?: (line: string) => void;
}

export interface XdsServer {
  port: number;
  cache: SnapshotCache;
  /** Open streams, for tests and diagnostics. */
  streams: ReadonlySet<AdsStream>;
  stop(): Promise<void>;
}

export async function startXdsServer(opts: XdsServerOptions): Promise<XdsServer> {
  const log = opts.log ?? (() => {});
  const cache = new SnapshotCache(opts.zone ?? DEFAULT_ZONE);
  const informers = [
    watch('services', 'Service'),
    watch('endpoints', 'Endpoints'),
    watch('pods', 'Pod'),
    watch('trafficroutes', 'TrafficRoute'),
    watch('destinationpolicies', 'DestinationPolicy'),
    watch('meshauthorizations', 'MeshAuthorization'),
  ];
  function watch<K extends MeshKind>(plural: string, kind: K): Informer<MeshObjects[K]> {
    const informer = new Informer(opts.client.resource<MeshObjects[K]>(plural));
    informer.on('add', (o) => cache.set(kind, o));
    informer.on('update', (_old, o) => cache.set(kind, o));
    informer.on('delete', (o) => cache.delete(kind, o));
    return informer;
  }

  const streams = new Map<AdsStream, ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>>();
  const send = (call: ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>, responses: DiscoveryResponse[]): void => {
    for (const r of responses) call.write(r);
  };
  cache.on('change', (snapshot) => {
    for (const [stream, call] of streams) send(call, stream.handleSnapshot(snapshot));
  });

  const server = new Server();
  server.addService(aggregatedDiscoveryService(), {
    StreamAggregatedResources(call: ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>) {
      const stream = new AdsStream(cache.snapshot);
      streams.set(stream, call);
      const close = (): void => { streams.delete(stream); };
      call.on('data', (req: DiscoveryRequest) => {
        send(call, stream.handleRequest(req));
        const nack = req.error_detail && stream.lastNack(req.type_url);
        if (nack) log(`xds: node ${stream.node?.id ?? '?'} rejected ${req.type_url} version ${nack.version}: ${nack.message}`);
      });
      call.on('end', () => { close(); call.end(); });
      call.on('error', close);
      call.on('cancelled', close);
    },
    DeltaAggregatedResources(call: ServerDuplexStream<unknown, unknown>) {
      call.emit('error', { code: status.UNIMPLEMENTED, details: 'Cairn serves State-of-the-World ADS only' } satisfies Partial<ServerErrorResponse>);
    },
  });

  const stop = async (): Promise<void> => {
    for (const call of streams.values()) call.end();
    streams.clear();
    server.forceShutdown();
    await Promise.all(informers.map((i) => i.stop()));
  };
  let port: number;
  try {
    await Promise.all(informers.map((i) => i.start()));
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${opts.host}:${opts.port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
  } catch (err) {
    await stop();
    throw err;
  }
  log(`xds: serving ADS on ${opts.host}:${port}`);
  return { port, cache, get streams() { return new Set(streams.keys()); }, stop };
}
