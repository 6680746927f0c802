/**
 * Pieces for testing the xDS server with the real gRPC xDS client: WhoAmI backends on loopback that answer with
 * their own name, and a client on `xds:///<listener>` bootstrapped (per channel) to a given ADS port.
 */
import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, Metadata, Server, ServerCredentials, type ChannelOptions, type Client, type ServiceError } from '@grpc/grpc-js';
import { register as registerXds } from '@grpc/grpc-js-xds';
import { loadSync } from '@grpc/proto-loader';
import { freePort } from './ports.js';

const PROTO = fileURLToPath(new URL('../../../test/lab/whoami.proto', import.meta.url));

export interface WhoAmIClient extends Client {
  Who(req: object, metadata: Metadata, cb: (err: ServiceError | null, reply?: { name: string }) => void): void;
}
type WhoAmICtor = new (target: string, creds: ReturnType<typeof credentials.createInsecure>, options?: ChannelOptions) => WhoAmIClient;
// loadPackageDefinition returns loose nested namespaces; the path is fixed by whoami.proto.
const whoami = (loadPackageDefinition(loadSync(PROTO)) as unknown as { cairn: { test: { WhoAmI: WhoAmICtor & { service: never } } } }).cairn.test.WhoAmI;

export interface Backend { name: string; server: Server; port: number }

export async function startBackend(name: string): Promise<Backend> {
  const server = new Server();
  server.addService(whoami.service, { Who: (_call: unknown, cb: (err: null, reply: { name: string }) => void) => cb(null, { name }) });
  const address = `127.0.0.1:${await freePort()}`;
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { name, server, port };
}

/** A WhoAmI client resolving `xds:///<target>` through the ADS server on `adsPort`, as node `nodeId`. */
export function xdsClient(target: string, adsPort: number, nodeId: string): WhoAmIClient {
  registerXds();
  const bootstrap = {
    xds_servers: [{ server_uri: `127.0.0.1:${adsPort}`, channel_creds: [{ type: 'insecure' }], server_features: [] }],
    node: { id: nodeId, locality: {} },
  };
  return new whoami(`xds:///${target}`, credentials.createInsecure(), { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap) });
}

export function who(client: WhoAmIClient, headers: Record<string, string> = {}): Promise<string> {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
  return new Promise((resolve, reject) => client.Who({}, metadata, (err, reply) => (err ? reject(err) : resolve(reply!.name))));
}

/** How many of `calls` sequential calls each backend answered. */
export async function tally(client: WhoAmIClient, calls: number, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < calls; i++) {
    const name = await who(client, headers);
    seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  return seen;
}
