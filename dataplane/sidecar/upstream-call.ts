/**
 * One upstream attempt through http-proxy: sends the request (the buffered body when the route may retry or
 * mirror, else the client's stream) to one endpoint over its keep-alive agent, and resolves with the response
 * (headers only; the caller streams or drains the body) or how the attempt failed. The response is never written
 * to the client here (`selfHandleResponse`), so a retriable one can be dropped.
 */
import type { Agent, ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import httpProxy from 'http-proxy';
import type { Endpoint } from './config-model.js';

export type UpstreamOutcome =
  | { kind: 'response'; status: number; response: IncomingMessage }
  | { kind: 'connect-failure' | 'reset' | 'timeout'; error: string };

export interface AttemptOptions {
  endpoint: Endpoint;
  agent: Agent;
  /** The whole request body, or undefined to stream the client's request (only possible for one attempt). */
  body?: Buffer;
  connectTimeoutMs: number;
  /** Per-try timeout: from sending to response headers. */
  timeoutMs?: number;
  /** Edits the outgoing request's headers before it is sent. */
  editHeaders: (proxyReq: ClientRequest) => void;
  /** Aborts the attempt (the route's overall timeout); the outcome is then a timeout. */
  signal: AbortSignal;
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND']);

export function upstreamAttempt(req: IncomingMessage, res: ServerResponse, opts: AttemptOptions): Promise<UpstreamOutcome> {
  return new Promise((resolve) => {
    // One ProxyServer per attempt: its proxyReq/proxyRes events then belong to this attempt alone.
    const proxy = httpProxy.createProxyServer({ selfHandleResponse: true, xfwd: false, changeOrigin: false, proxyTimeout: undefined });
    let outgoing: ClientRequest | undefined;
    let connected = false;
    let timedOut = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const settle = (outcome: UpstreamOutcome): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      opts.signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const expire = (): void => {
      timedOut = true;
      outgoing?.destroy();
      settle({ kind: 'timeout', error: 'upstream request timeout' });
    };
    const onAbort = (): void => expire();
    opts.signal.addEventListener('abort', onAbort);
    if (opts.timeoutMs !== undefined) timers.push(setTimeout(expire, opts.timeoutMs));

    proxy.on('proxyReq', (proxyReq: ClientRequest) => {
      outgoing = proxyReq;
      opts.editHeaders(proxyReq);
      proxyReq.on('socket', (socket) => {
        if (!socket.connecting) {
          connected = true;
          return;
        }
        const timer = setTimeout(() => {
          proxyReq.destroy();
          settle({ kind: 'connect-failure', error: `connect timeout after ${opts.connectTimeoutMs} ms` });
        }, opts.connectTimeoutMs);
        timers.push(timer);
        socket.once('connect', () => {
          connected = true;
          clearTimeout(timer);
        });
      });
    });
    proxy.on('proxyRes', (response: IncomingMessage) => settle({ kind: 'response', status: response.statusCode ?? 502, response }));
    const target = { protocol: 'http:', host: opts.endpoint.host, port: opts.endpoint.port };
    const buffer = opts.body === undefined ? undefined : Readable.from(opts.body.length ? [opts.body] : []);
    proxy.web(req, res, { target, agent: opts.agent, ...(buffer ? { buffer } : {}) }, (err: Error & { code?: string }) => {
      if (timedOut) return;
      const connectFailure = !connected && (err.code === undefined || CONNECT_ERRORS.has(err.code) || err.code === 'ECONNRESET');
      settle({ kind: connectFailure ? 'connect-failure' : 'reset', error: `${err.code ?? 'error'}: ${err.message}` });
    });
  });
}
