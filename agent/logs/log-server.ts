/**
 * The agent's kubelet-style endpoint for container logs: HTTPS on the node's address, `GET
 * /containerLogs/{namespace}/{pod}/{container}?follow=..&tailLines=..` answered as text/plain (chunked while
 * following). The registry proxies `pods/{name}/log` here.
 *
 * Authentication: a bearer token, compared with the one in the agent's own kubeconfig (a registry token the
 * registry also holds). That is a stopgap: it makes every holder of that token able to read logs from the agent
 * directly; a per-cluster agent credential (or TokenReview) should replace it.
 * Serving certificate: self-signed at every start; the registry does not verify it (see control/registry/http/pod-log.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ApiError, Reason } from '../../api/errors.js';
import { Labels } from '../pods/container-config.js';
import type { ContainerRuntime, ContainerStatus } from '../runtime/runtime.js';
import { parseLogQuery } from './log-query.js';
import { readLogLines } from './log-reader.js';

/** The kubelet's port, which `kubectl` and operators expect. */
export const DEFAULT_AGENT_PORT = 10250;

export interface LogServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  tls: { cert: string; key: string };
  /** The bearer token a caller must present; undefined when the agent's own API access has none (trusted network). */
  token?: string;
  runtime: Pick<ContainerRuntime, 'listContainers' | 'containerStatus'>;
  pollMs?: number;
}

function sendStatus(res: ServerResponse, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  res.writeHead(err.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * The attempt of a container the request is about: the newest one, or the one before with `previous`. Among
 * several pods of one name (deleted and recreated) the newest pod wins.
 */
export function pickAttempt(all: ContainerStatus[], namespace: string, pod: string, container: string, previous: boolean): ContainerStatus {
  const mine = all.filter((c) => c.labels[Labels.podNamespace] === namespace && c.labels[Labels.podName] === pod && c.name === container);
  const newest = mine.reduce<ContainerStatus | undefined>((a, c) => (!a || c.createdAt > a.createdAt ? c : a), undefined);
  const attempts = mine.filter((c) => c.podId === newest?.podId).sort((a, b) => b.attempt - a.attempt);
  const chosen = attempts[previous ? 1 : 0];
  if (chosen) return chosen;
  if (previous) throw new ApiError(400, Reason.BadRequest, `previous terminated container "${container}" in pod "${pod}" not found`);
  throw new ApiError(400, Reason.BadRequest, `container "${container}" in pod "${pod}" is waiting to start`);
}

export class LogServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly token?: Buffer;

  constructor(private readonly opts: LogServerOptions) {
    this.token = opts.token === undefined ? undefined : Buffer.from(opts.token);
  }

  /** Resolves with the bound port. */
  async start(): Promise<number> {
    const server = createServer({ cert: this.opts.tls.cert, key: this.opts.tls.key }, (req, res) => {
      this.serve(req, res).catch((err: unknown) => {
        if (res.headersSent) res.destroy();
        else sendStatus(res, err instanceof ApiError ? err : new ApiError(500, Reason.InternalError, (err as Error).message));
      });
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
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
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private authenticated(req: IncomingMessage): boolean {
    if (!this.token) return true;
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.authenticated(req)) throw new ApiError(401, Reason.Unauthorized, 'Unauthorized');
    const url = new URL(req.url ?? '/', 'https://agent.invalid');
    const segs = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method !== 'GET' || segs[0] !== 'containerLogs' || segs.length !== 4) {
      throw new ApiError(404, Reason.NotFound, `no such endpoint: ${req.method} ${url.pathname}`);
    }
    const [, namespace, pod, name] = segs as [string, string, string, string];
    const request = parseLogQuery(url.searchParams, Date.now());
    const target = pickAttempt(await this.opts.runtime.listContainers(), namespace, pod, name, request.previous);
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const finished = async (): Promise<boolean> => {
      const state = (await this.opts.runtime.containerStatus(target.id))?.state;
      return state !== 'running' && state !== 'created';
    };
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    for await (const line of readLogLines(target.logPath, request, { finished, signal: abort.signal, pollMs: this.opts.pollMs })) {
      if (res.destroyed) break;
      if (!res.write(line)) await new Promise((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
    }
    res.end();
  }
}
