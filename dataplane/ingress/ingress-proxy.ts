/**
 * The ingress proxy: HTTP and HTTPS listeners that route by the Ingresses in the cluster to the ready endpoints of
 * their Services. Everything it needs comes from informers (Ingresses, Services, Endpoints, Secrets), so a change
 * takes effect as soon as its watch event arrives; each request reads the tables current at its arrival.
 */
import { Agent, createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Endpoints, Secret, Service } from '../../api/types/core.js';
import type { Ingress } from '../../api/types/networking.js';
import type { ApiClient } from '../../control/client/client.js';
import { Informer } from '../../control/client/informer.js';
import { ControllerLoop } from '../../control/controllers/controller.js';
import { createSelfSignedServingCert } from '../../control/pki/certificates.js';
import { CertificateStore, type PemPair } from './certificates.js';
import { IngressMetrics } from './metrics.js';
import { NetnsAgent, NetnsSockets } from './netns-sockets.js';
import { createRequestHandler } from './request-handler.js';
import { buildRouteTable, olderFirst, type RouteTable } from './routes.js';
import { StatusPublisher } from './status.js';

export type Log = (msg: string, fields?: Record<string, unknown>) => void;

export interface IngressProxyOptions {
  client: ApiClient;
  /** Address both listeners bind to. */
  host: string;
  /** 0 picks a free port. */
  httpPort: number;
  /** Omitted: no HTTPS listener. 0 picks a free port. */
  httpsPort?: number;
  /** Written into each served Ingress's status; defaults to `host` (unless that is 0.0.0.0 or ::, then nothing is written). */
  publishAddress?: string;
  /** Serve only Ingresses of this class and those naming none; every Ingress when omitted. */
  ingressClassName?: string;
  /** Certificate for SNI names no Ingress covers; a self-signed one when omitted. */
  defaultCertificate?: PemPair;
  /**
   * Network namespace (/run/netns/<name>) to listen and reach backends in, e.g. a node's host namespace; the API
   * server is still reached from the calling process's namespace. Undefined: the calling process's own.
   */
  netns?: string;
  log?: Log;
}

export interface IngressProxy {
  httpPort: number;
  httpsPort?: number;
  metrics: IngressMetrics;
  stop(): Promise<void>;
}

const UNSPECIFIED = new Set(['0.0.0.0', '::', '']);

/** Listens on host:port, in the namespace of `sockets` when given; resolves with the bound port. */
async function listen(server: Server, port: number, host: string, sockets: NetnsSockets | undefined): Promise<number> {
  const target = sockets ? await sockets.listen(host, port) : undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (target) server.listen(target, done);
    else server.listen(port, host, done);
  });
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Starts the informers (waiting for their first lists), the listeners and the status publisher. */
export async function startIngressProxy(opts: IngressProxyOptions): Promise<IngressProxy> {
  const log = opts.log ?? (() => {});
  const { client } = opts;
  const ingressInformer = new Informer<Ingress>(client.resource<Ingress>('ingresses'));
  const services = new Informer<Service>(client.resource<Service>('services'));
  const endpoints = new Informer<Endpoints>(client.resource<Endpoints>('endpoints'));
  const secrets = new Informer<Secret>(client.resource<Secret>('secrets'));
  const serves = (ing: Ingress): boolean => !opts.ingressClassName || !ing.spec?.ingressClassName || ing.spec.ingressClassName === opts.ingressClassName;

  const defaultPair = opts.defaultCertificate ?? await createSelfSignedServingCert('cairn-ingress-default', ['ingress.local'], []);
  const certificates = new CertificateStore(defaultPair, log);
  let routes: RouteTable = buildRouteTable([]);
  const rebuildNow = (): void => {
    const served = ingressInformer.list().filter(serves).sort(olderFirst);
    routes = buildRouteTable(served);
    certificates.update(served, (ns, name) => secrets.get(`${ns}/${name}`));
  };
  let rebuildPending = false;
  /** Coalesces a burst of events (a relist, an apply of many objects) into one rebuild. */
  const rebuild = (): void => {
    if (rebuildPending) return;
    rebuildPending = true;
    setImmediate(() => {
      rebuildPending = false;
      rebuildNow();
    });
  };
  for (const informer of [ingressInformer, secrets] as Informer[]) {
    informer.on('add', rebuild);
    informer.on('update', rebuild);
    informer.on('delete', rebuild);
  }
  const address = opts.publishAddress ?? (UNSPECIFIED.has(opts.host) ? undefined : opts.host);
  // Made before the informers start, so the first list's events queue every Ingress for a status check.
  const statusLoop = address
    ? new ControllerLoop(ingressInformer, new StatusPublisher(ingressInformer, client.resource<Ingress>('ingresses'), address, serves), { name: 'ingress-status', workers: 1, log })
    : undefined;
  await Promise.all([ingressInformer.start(), services.start(), endpoints.start(), secrets.start()]);
  rebuildNow();

  const metrics = new IngressMetrics();
  const servers: Server[] = [];
  let sockets: NetnsSockets | undefined;
  let agent: Agent | undefined;
  /** Stops whatever has started, in reverse order; also the rollback of a failed start. */
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map(close));
    agent?.destroy();
    sockets?.close();
    await statusLoop?.stop();
    await Promise.all([ingressInformer.stop(), services.stop(), endpoints.stop(), secrets.stop()]);
  };
  try {
    sockets = opts.netns ? await NetnsSockets.start(opts.netns) : undefined;
    const agentOptions = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64 };
    const upstreamAgent = sockets ? new NetnsAgent(sockets, agentOptions) : new Agent(agentOptions);
    agent = upstreamAgent;
    const handle = createRequestHandler({ routes: () => routes, service: (k) => services.get(k), endpoints: (k) => endpoints.get(k), agent: upstreamAgent, metrics });

    const httpServer = createHttpServer((req, res) => void handle(req, res, 'http', httpPort));
    servers.push(httpServer);
    const httpPort = await listen(httpServer, opts.httpPort, opts.host, sockets);
    let httpsPort: number | undefined;
    if (opts.httpsPort !== undefined) {
      // A handshake without SNI (a client dialling an IP) gets the default certificate from the options.
      const httpsServer = createHttpsServer({ ...defaultPair, SNICallback: (name, cb) => cb(null, certificates.select(name)) },
        (req, res) => void handle(req, res, 'https', httpsPort!));
      servers.push(httpsServer);
      httpsPort = await listen(httpsServer, opts.httpsPort, opts.host, sockets);
    }
    await statusLoop?.start();
    log('ingress proxy listening', { host: opts.host, netns: opts.netns, httpPort, httpsPort, publishAddress: address });
    return { httpPort, httpsPort, metrics, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
