import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { timingSafeEqual } from 'node:crypto';
import { ApiError, Reason } from '../../api/errors.js';
import { resourceTypes } from '../../api/catalog.js';
import type { ApiObject } from '../../api/meta.js';
import { SYSTEM_PRIORITY_CLASSES } from '../../api/kinds/priorityclass.js';
import { Cacher } from './cache/cacher.js';
import { ServiceAllocator } from './allocation/service-allocator.js';
import { repairServiceAllocations } from './allocation/service-repair.js';
import { EtcdStore } from './storage/etcd-store.js';
import { ResourceStore } from './rest/resource-store.js';
import { chain, namespaceLifecycle, priorityAdmission } from './admission.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { Discovery } from './http/discovery.js';
import { OpenApiV3 } from './http/openapi.js';
import { parseResourceRequest, requestUrl } from './http/request-info.js';
import { ResourceHandler } from './http/resource-handler.js';
import { sendError, sendJson, sendRaw } from './http/respond.js';
import { RegistryMetrics, type CacheSample } from './metrics.js';

export const CAIRN_VERSION = '0.1.0';
/** The Kubernetes API level Cairn's API follows; kubectl compares its own version to it. */
const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: `v1.32.0-cairn.${CAIRN_VERSION}` };
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const UNAUTHENTICATED_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/metrics']);

export interface RegistryOptions {
  etcdEndpoints: string[];
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Serve HTTPS with this certificate; without it the registry serves plain HTTP (only behind an explicit flag). */
  tls?: { cert: string; key: string };
  /** Bearer tokens accepted; undefined disables authentication (tests and benchmarks on loopback only). */
  tokens?: string[];
  watchCacheSize?: number;
  historyReplay?: number;
  bookmarkIntervalMs?: number;
  maxWatchSeconds?: number;
  /** IPv4 CIDR Service cluster IPs are allocated from (kube-apiserver --service-cluster-ip-range); default 10.96.0.0/12. */
  serviceCIDR?: string;
  /** `min-max` NodePort range (--service-node-port-range); default 30000-32767. */
  serviceNodePortRange?: string;
  /** tolerationSeconds of the not-ready / unreachable NoExecute tolerations every new pod gets (kube: 300; Cairn default 30). */
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
  /** etcd history older than this is compacted (Kubernetes: 5 minutes). 0 disables compaction. */
  compactionIntervalMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export function jsonLog(component: string): (msg: string, fields?: Record<string, unknown>) => void {
  return (msg, fields) => process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), component, msg, ...fields }) + '\n');
}

/** The API server: REST + watch over etcd, served from a watch cache. */
export class RegistryServer {
  readonly metrics: RegistryMetrics;
  private readonly store: EtcdStore;
  private readonly cacher: Cacher;
  private readonly stores = new Map<string, ResourceStore>();
  private readonly handler: ResourceHandler;
  private readonly serviceAllocator: ServiceAllocator;
  private readonly discovery = new Discovery(resourceTypes);
  private readonly openapi = new OpenApiV3(resourceTypes);
  private server: Server | undefined;
  private compactor: NodeJS.Timeout | undefined;
  private ready = false;
  private readonly sockets = new Set<Socket>();
  private readonly log: (msg: string, fields?: Record<string, unknown>) => void;
  private readonly tokens: Buffer[] | undefined;

  constructor(private readonly opts: RegistryOptions) {
    this.log = opts.log ?? jsonLog('registry');
    this.tokens = opts.tokens?.map((t) => Buffer.from(t));
    this.metrics = new RegistryMetrics(() => this.cacheSample());
    this.store = new EtcdStore(opts.etcdEndpoints, this.metrics.observeEtcd);
    this.cacher = new Cacher(this.store, resourceTypes, {
      windowSize: opts.watchCacheSize ?? 10_000,
      historyReplay: opts.historyReplay ?? 10_000,
      freshnessTimeoutMs: 3000,
      log: this.log,
    });
    const admit = chain(
      namespaceLifecycle(() => this.stores.get('/v1/namespaces')!),
      priorityAdmission(() => this.stores.get('scheduling.k8s.io/v1/priorityclasses')!),
      defaultTolerationSeconds({ notReadySeconds: opts.defaultNotReadyTolerationSeconds, unreachableSeconds: opts.defaultUnreachableTolerationSeconds }),
    );
    this.serviceAllocator = new ServiceAllocator(this.store, { serviceCIDR: opts.serviceCIDR, nodePortRange: opts.serviceNodePortRange });
    for (const type of resourceTypes) {
      // Allocation hooks the store's etcd write itself (not admission): the Service and the IPs and ports it
      // holds are one transaction, so no failure or second registry can leave them out of step.
      const allocator = type.group === '' && type.kind === 'Service' ? this.serviceAllocator : undefined;
      this.stores.set(`${type.group}/${type.version}/${type.plural}`, new ResourceStore(type, this.store, this.cacher, admit, allocator));
    }
    this.handler = new ResourceHandler(this.stores, this.cacher, {
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
      maxWatchSeconds: opts.maxWatchSeconds ?? 1800,
      agentToken: opts.tokens?.[0],
    });
  }

  private cacheSample(): CacheSample {
    const resources = this.cacher.started
      ? resourceTypes.map((t) => {
        const cache = this.cacher.cache(t.plural);
        return { resource: t.plural, objects: cache.size, watchers: cache.watcherCount };
      })
      : [];
    return { revision: this.cacher.revision, resources };
  }

  /** Starts serving once the watch cache is loaded; resolves with the bound address. */
  async start(): Promise<AddressInfo> {
    await this.cacher.start();
    const repaired = await repairServiceAllocations(this.store, this.serviceAllocator);
    if (repaired.released.length + repaired.claimed.length + repaired.conflicts.length) this.log('service allocations repaired', { ...repaired });
    await this.ensureSystemObjects();
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      this.serve(req, res).catch((err: unknown) => {
        this.log('request handling failed', { url: req.url, error: (err as Error)?.stack ?? String(err) });
        res.destroy();
      });
    };
    this.server = this.opts.tls
      ? createHttpsServer({ cert: this.opts.tls.cert, key: this.opts.tls.key }, listener)
      : createHttpServer(listener);
    // Every socket, including ones still in the TLS handshake (which closeAllConnections does not see), so stop() never waits on one.
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 70_000;
    this.server.requestTimeout = 0; // watches are long-lived
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port, this.opts.host, () => resolve());
    });
    this.ready = true;
    this.startCompactor();
    const address = this.server.address() as AddressInfo;
    this.log('registry serving', { address: address.address, port: address.port, tls: Boolean(this.opts.tls) });
    return address;
  }

  /** The objects every cluster starts with, as kube-apiserver bootstraps them: system namespaces and priority classes. */
  private async ensureSystemObjects(): Promise<void> {
    const namespaces = this.stores.get('/v1/namespaces')!;
    const priorityClasses = this.stores.get('scheduling.k8s.io/v1/priorityclasses')!;
    const objects: [ResourceStore, ApiObject][] = [
      ...SYSTEM_NAMESPACES.map((name): [ResourceStore, ApiObject] => [namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }]),
      ...Object.entries(SYSTEM_PRIORITY_CLASSES).map(([name, value]): [ResourceStore, ApiObject] => [priorityClasses,
        { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, description: 'Used for system critical pods that must not be moved from their current node.' } as ApiObject]),
    ];
    for (const [store, obj] of objects) {
      try {
        await store.create(undefined, obj);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
      }
    }
  }

  /** Compacts etcd to the revision seen one interval ago, so history stays bounded but recent watches resume. */
  private startCompactor(): void {
    const interval = this.opts.compactionIntervalMs ?? 5 * 60_000;
    if (!interval) return;
    let previous = 0;
    this.compactor = setInterval(() => {
      const target = previous;
      previous = this.cacher.revision;
      if (target > 0) {
        this.store.compact(target).catch((err: Error) => {
          if (!/compacted/.test(err.message)) this.log('etcd compaction failed', { revision: target, error: err.message });
        });
      }
    }, interval);
    this.compactor.unref();
  }

  private authenticated(req: IncomingMessage): boolean {
    if (!this.tokens) return true;
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) return false;
    const given = Buffer.from(header.slice(7).trim());
    return this.tokens.some((t) => t.length === given.length && timingSafeEqual(t, given));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now();
    let verb = (req.method ?? 'GET').toLowerCase();
    let resource = 'nonresource';
    let code: number;
    try {
      const url = requestUrl(req);
      const r = parseResourceRequest(req.method ?? 'GET', url);
      if (r) {
        verb = r.verb;
        resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
      }
      if (!UNAUTHENTICATED_PATHS.has(url.pathname) && !this.authenticated(req)) {
        throw new ApiError(401, Reason.Unauthorized, 'Unauthorized: send the bearer token from your kubeconfig (~/.cairn/kubeconfig)');
      }
      code = r ? await this.handler.handle(r, req, res) : await this.nonResource(url, req, res);
    } catch (err) {
      code = sendError(res, err);
      if (code >= 500) this.log('request failed', { method: req.method, url: req.url, error: (err as Error).stack ?? String(err) });
    }
    this.metrics.requests.inc({ verb, resource, code: String(code) });
    if (verb !== 'watch') this.metrics.latency.observe({ verb, resource }, (performance.now() - start) / 1000);
  }

  private async nonResource(url: URL, req: IncomingMessage, res: ServerResponse): Promise<number> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      const ok = path !== '/readyz' || this.ready;
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' });
      res.end(ok ? 'ok' : 'not ready: watch cache loading');
      return ok ? 200 : 503;
    }
    if (path === '/metrics') {
      const body = await this.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType });
      res.end(body);
      return 200;
    }
    if (path === '/version') {
      sendJson(res, 200, { ...KUBERNETES_VERSION, gitCommit: '', gitTreeState: 'clean', buildDate: '', goVersion: '', compiler: 'node', platform: `${process.platform}/${process.arch}` });
      return 200;
    }
    if (req.method === 'GET') {
      const openapi = this.openapi.document(path);
      if (openapi) {
        sendRaw(res, 200, openapi);
        return 200;
      }
      const doc = this.discovery.document(path);
      if (doc) {
        sendJson(res, 200, doc);
        return 200;
      }
    }
    throw new ApiError(404, Reason.NotFound, `the server could not find the requested resource (${req.method} ${path})`);
  }

  /** Stops accepting requests, ends watches, and closes the etcd connection. Acknowledged writes are already in etcd. */
  async stop(): Promise<void> {
    this.ready = false;
    clearInterval(this.compactor);
    await this.cacher.stop();
    if (this.server) {
      const server = this.server;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of this.sockets) socket.destroy();
      });
    }
    this.store.close();
  }
}
