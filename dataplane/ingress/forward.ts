/** Relays one HTTP request to an upstream over a keep-alive agent, as a reverse proxy must (RFC 9110 §7.6). */
import { request, type Agent, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Upstream } from './backends.js';

/** Connection-scoped headers that belong to one hop and are never forwarded (also used by the sidecar). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Upstream response headers wait this long before the request fails with 504. */
export const UPSTREAM_TIMEOUT_MS = 60_000;

export function stripHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(String(headers.connection ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k) && !named.has(k)) out[k] = v;
  return out;
}

/**
 * The headers sent upstream: the client's own (Host kept, so virtual hosts work behind the proxy) plus the
 * X-Forwarded-* set describing the original request; the client address is appended to any X-Forwarded-For chain.
 */
export function upstreamHeaders(req: IncomingMessage, scheme: 'http' | 'https', listenerPort: number): OutgoingHttpHeaders {
  const headers = stripHopByHop(req.headers);
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${String(prior)}, ${client}` : client;
  headers['x-forwarded-proto'] = scheme;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-port'] = String(listenerPort);
  headers['x-real-ip'] = client;
  return headers;
}

/** Plain-text error answers, only while nothing has been sent yet. */
export function answer(res: ServerResponse, code: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

/**
 * Streams `req` to `upstream` and the answer back; resolves with the status the client got: the upstream's,
 * 502 when the upstream cannot be reached or fails mid-way, 504 when it does not answer in time.
 */
export function forward(req: IncomingMessage, res: ServerResponse, upstream: Upstream, agent: Agent, headers: OutgoingHttpHeaders): Promise<number> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (code: number, text?: string): void => {
      if (settled) return;
      settled = true;
      if (text !== undefined) answer(res, code, text);
      resolve(code);
    };
    const out = request({ host: upstream.host, port: upstream.port, method: req.method, path: req.url, headers, agent, timeout: UPSTREAM_TIMEOUT_MS }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, stripHopByHop(up.headers));
      up.pipe(res);
      up.on('error', () => finish(502, ''));
      res.on('finish', () => finish(up.statusCode ?? 502));
    });
    out.on('timeout', () => {
      out.destroy();
      finish(504, 'upstream timed out\n');
    });
    out.on('error', (err) => finish(502, `upstream ${upstream.host}:${upstream.port} failed: ${err.message}\n`));
    // A client that goes away takes its upstream request with it.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
      finish(499);
    });
    req.pipe(out);
  });
}
