/** One request through the proxy: route, pick a ready endpoint, relay, count. */
import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Endpoints, Service } from '../../api/types/core.js';
import { RoundRobin, readyUpstreams } from './backends.js';
import { answer, forward, upstreamHeaders } from './forward.js';
import type { IngressMetrics } from './metrics.js';
import type { RouteTable } from './routes.js';

export interface HandlerDeps {
  /** The current table: read once per request, so a request never sees half an update. */
  routes(): RouteTable;
  /** Services and Endpoints by `namespace/name`, from informer caches. */
  service(key: string): Service | undefined;
  endpoints(key: string): Endpoints | undefined;
  agent: Agent;
  metrics: IngressMetrics;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, scheme: 'http' | 'https', listenerPort: number) => Promise<void>;

/** 404 when no rule matches, 503 when the backend has no ready endpoint (or is no Service), else what `forward` got. */
export function createRequestHandler(deps: HandlerDeps): RequestHandler {
  const balancer = new RoundRobin();
  return async (req, res, scheme, listenerPort) => {
    const started = process.hrtime.bigint();
    const route = deps.routes().match(req.headers.host ?? '', req.url ?? '/');
    const svc = route?.service;
    let code: number;
    if (!route) {
      code = 404;
      answer(res, code, 'no ingress rule matches this host and path\n');
    } else if (!svc) {
      code = 503;
      answer(res, code, 'the matched backend is not a service (resource backends are not supported)\n');
    } else {
      const key = `${route.namespace}/${svc.name}`;
      const upstream = balancer.pick(`${key}:${svc.port.name ?? svc.port.number}`, readyUpstreams(deps.service(key), deps.endpoints(key), svc.port));
      if (!upstream) {
        code = 503;
        answer(res, code, `service ${key} has no ready endpoints\n`);
      } else {
        code = await forward(req, res, upstream, deps.agent, upstreamHeaders(req, scheme, listenerPort));
      }
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    deps.metrics.observe({ namespace: route?.namespace ?? '', ingress: route?.ingress ?? '', service: svc?.name ?? '', code: String(code) }, seconds);
  };
}
