/**
 * The outbound HTTP/1.1 proxy: the app's requests (by Host: `<svc>.<ns>.svc.<zone>[:port]`, `<svc>[.<ns>]` in the
 * pod's namespace, or any domain of the route tables) are routed with the config current when they arrive, kept for all their attempts.
 *
 * Per request: virtual host and route (404 when none), fault injection (delay, then abort), a weighted cluster
 * (503 when it or its endpoints are missing), then attempts: an endpoint by the cluster's LB (a retry avoids the
 * hosts already tried), under the cluster's concurrency limits (503 on overflow, not retried), with the per-try
 * timeout; retriable outcomes are retried up to `num_retries` while the cluster's retry limits allow. The route
 * timeout bounds the whole (504). Failures answer 503 (connect failure, reset) or 504 (timeout), as Envoy does.
 */
import { createServer, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { answer, stripHopByHop } from '../ingress/forward.js';
import { clusterEndpoints, type HeaderEdit, type ProxyConfig, type RouteEntry } from './config-model.js';
import type { ClusterRuntime, ClusterRuntimes } from './cluster-runtime.js';
import { endpointKey } from './load-balancer.js';
import { isRetriable, retryAllowed, retryBackoffMs } from './retry.js';
import { findVirtualHost, matchRoute, pickWeighted, type LocalNames, type RequestFacts } from './route-match.js';
import type { SidecarStats } from './stats.js';
import { upstreamAttempt, type UpstreamOutcome } from './upstream-call.js';

/** Request bodies are buffered (for retries and mirroring) up to this size; larger ones get 413. */
export const MAX_BUFFERED_BODY = 8 * 1024 * 1024;

export interface OutboundProxyOptions {
  host: string;
  port: number;
  config: () => ProxyConfig;
  runtimes: ClusterRuntimes;
  stats: SidecarStats;
  /** The pod's namespace and zone, for short Service names in Host. */
  local?: LocalNames;
  random?: () => number;
}

function applyEdits(edits: HeaderEdit[], get: (k: string) => unknown, set: (k: string, v: string) => void): void {
  for (const e of edits) {
    const prior = get(e.key);
    set(e.key, e.append && prior !== undefined ? `${String(prior)},${e.value}` : e.value);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BUFFERED_BODY) {
        req.destroy();
        resolve(undefined);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class OutboundProxy {
  private server: Server | undefined;
  private readonly random: () => number;

  constructor(private readonly opts: OutboundProxyOptions) {
    this.random = opts.random ?? Math.random;
  }

  async start(): Promise<number> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => answer(res, 500, `sidecar error: ${err.message}\n`));
    });
    server.keepAliveTimeout = 60_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const config = this.opts.config();
    const url = req.url ?? '/';
    const facts: RequestFacts = { authority: req.headers.host ?? '', method: req.method ?? 'GET', path: url.split('?')[0]!, headers: req.headers };
    const done = (cluster: string, code: number, text?: string): void => {
      if (text !== undefined) answer(res, code, text);
      this.opts.stats.requests.inc({ cluster, code: String(code) });
    };
    const vh = findVirtualHost(config, facts.authority, this.opts.local);
    const route = vh && matchRoute(vh, facts);
    if (!route) return done('', 404, `no route for ${facts.authority}${facts.path}\n`);
    const clusterName = pickWeighted(route.clusters, this.random());
    if (route.fault?.delay && this.random() * 100 < route.fault.delay.percent) await sleep(route.fault.delay.ms);
    if (route.fault?.abort && this.random() * 100 < route.fault.abort.percent) return done(clusterName, route.fault.abort.httpStatus, 'fault filter abort\n');
    const cluster = config.clusters.get(clusterName);
    if (!cluster) return done(clusterName, 503, `cluster ${clusterName} is not known\n`);
    const runtime = this.opts.runtimes.get(cluster);
    if (clusterEndpoints(config, cluster).length === 0) return done(clusterName, 503, `no healthy upstream in ${clusterName}\n`);
    // Counted from here, body upload included, so a cluster removed meanwhile drains instead of closing under it.
    const end = runtime.begin();
    try {
      let body: Buffer | undefined;
      if (route.retry || route.mirror) {
        body = await readBody(req);
        if (!body) return done(clusterName, 413, `request bodies over ${MAX_BUFFERED_BODY} bytes cannot be retried or mirrored\n`);
        if (route.mirror) this.mirror(config, route.mirror, req, body);
      }
      const status = await this.attempts(config, route, runtime, req, res, body);
      done(clusterName, status);
    } finally {
      end();
    }
  }

  /** Runs attempts until one is final; writes the response (or the failure) and returns the status sent. */
  private async attempts(config: ProxyConfig, route: RouteEntry, runtime: ClusterRuntime, req: IncomingMessage, res: ServerResponse, body: Buffer | undefined): Promise<number> {
    const overall = new AbortController();
    const deadline = route.timeoutMs === undefined ? undefined : setTimeout(() => overall.abort(), route.timeoutMs);
    const endpoints = clusterEndpoints(config, runtime.cluster);
    const hashHeader = route.hashHeaders.find((h) => req.headers[h] !== undefined);
    const tried = new Set<string>();
    const stats = this.opts.stats;
    const cluster = runtime.cluster.name;
    try {
      for (let attempt = 0; ; attempt++) {
        if (overall.signal.aborted) return failure(res, 504, 'upstream request timeout');
        const endpoint = runtime.lb.pick(endpoints, { exclude: tried, ...(hashHeader ? { hashKey: String(req.headers[hashHeader]) } : {}) });
        if (!endpoint) return failure(res, 503, 'no healthy upstream');
        tried.add(endpointKey(endpoint));
        if (attempt > 0) runtime.activeRetries++;
        const admitted = runtime.admit();
        if (typeof admitted === 'string') {
          if (attempt > 0) runtime.activeRetries--;
          return failure(res, 503, `upstream overflow: ${admitted}`, () => stats.overflows.inc({ cluster }));
        }
        const untrack = runtime.track(endpoint);
        const started = process.hrtime.bigint();
        let outcome: UpstreamOutcome;
        try {
          outcome = await upstreamAttempt(req, res, {
            endpoint, agent: runtime.agent(endpoint), ...(body ? { body } : {}), connectTimeoutMs: runtime.cluster.connectTimeoutMs,
            ...(route.retry?.perTryTimeoutMs ? { timeoutMs: route.retry.perTryTimeoutMs } : {}),
            editHeaders: (proxyReq) => this.editRequest(route, proxyReq), signal: overall.signal,
          });
        } finally {
          admitted();
          untrack();
          if (attempt > 0) runtime.activeRetries--;
        }
        stats.upstreamLatency.observe({ cluster }, Number(process.hrtime.bigint() - started) / 1e9);
        const failed = outcome.kind !== 'response' || outcome.status >= 500;
        runtime.outlier.record(endpointKey(endpoint), failed, endpoints.length);
        const canRetry = !overall.signal.aborted && route.retry && attempt < route.retry.numRetries && isRetriable(route.retry, outcome)
          && retryAllowed(runtime.cluster.thresholds, runtime.activeRequests, runtime.activeRetries);
        if (canRetry) {
          if (outcome.kind === 'response') outcome.response.resume();
          stats.retries.inc({ cluster });
          await sleep(retryBackoffMs(attempt + 1, this.random()));
          continue;
        }
        if (outcome.kind === 'response') return this.respond(route, outcome.response, res);
        if (overall.signal.aborted || outcome.kind === 'timeout') return failure(res, 504, 'upstream request timeout');
        return failure(res, 503, `upstream connect error or disconnect/reset before headers: ${outcome.error}`);
      }
    } finally {
      clearTimeout(deadline);
    }
  }

  private editRequest(route: RouteEntry, proxyReq: ClientRequest): void {
    for (const h of route.requestHeadersToRemove) proxyReq.removeHeader(h);
    applyEdits(route.requestHeadersToAdd, (k) => proxyReq.getHeader(k), (k, v) => proxyReq.setHeader(k, v));
  }

  private respond(route: RouteEntry, upstream: IncomingMessage, res: ServerResponse): number {
    const headers: OutgoingHttpHeaders = stripHopByHop(upstream.headers);
    for (const h of route.responseHeadersToRemove) delete headers[h];
    applyEdits(route.responseHeadersToAdd, (k) => headers[k], (k, v) => { headers[k] = v; });
    const status = upstream.statusCode ?? 502;
    res.writeHead(status, headers);
    upstream.pipe(res);
    upstream.on('error', () => res.destroy());
    return status;
  }

  /** Fire-and-forget copy of the request to the mirror cluster; its answer is discarded (Envoy's shadowing). */
  private mirror(config: ProxyConfig, mirror: NonNullable<RouteEntry['mirror']>, req: IncomingMessage, body: Buffer): void {
    const cluster = config.clusters.get(mirror.cluster);
    if (!cluster || this.random() * 100 >= mirror.percent) return;
    const runtime = this.opts.runtimes.get(cluster);
    const endpoint = runtime.lb.pick(clusterEndpoints(config, cluster));
    if (!endpoint) return;
    const host = req.headers.host ?? '';
    const headers = { ...stripHopByHop(req.headers), host: host.includes(':') ? host.replace(':', '-shadow:') : `${host}-shadow`, 'content-length': String(body.length) };
    const out = httpRequest({ host: endpoint.host, port: endpoint.port, method: req.method, path: req.url, headers, agent: runtime.agent(endpoint) }, (r) => r.resume());
    out.on('error', () => {});
    out.end(body);
  }
}

function failure(res: ServerResponse, code: number, text: string, also?: () => void): number {
  also?.();
  answer(res, code, `${text}\n`);
  return code;
}
