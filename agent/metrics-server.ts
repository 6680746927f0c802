/** The agent's /metrics (Prometheus text) and /healthz endpoint. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Extra read-only endpoints: path → a function whose result is served as JSON (e.g. a debug view). */
export type JsonRoutes = Record<string, () => unknown>;

/** Serves `registry` on host:port (port 0 picks a free one). Loopback by default: metrics are not authenticated. */
export async function serveMetrics(registry: Registry, port: number, host = '127.0.0.1', json: JsonRoutes = {}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(err.message),
      );
    } else if (path !== undefined && Object.hasOwn(json, path)) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(`${JSON.stringify(json[path]!(), null, 2)}\n`);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: try ${['/metrics', '/healthz', ...Object.keys(json)].join(', ')}`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
