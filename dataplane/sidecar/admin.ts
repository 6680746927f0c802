/** The sidecar's admin endpoint (loopback): `/metrics` (Prometheus), `/config_dump` (the applied config), `/ready`. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configDump, type ProxyConfig } from './config-model.js';
import type { SidecarStats } from './stats.js';

export interface AdminOptions {
  host: string;
  port: number;
  stats: SidecarStats;
  config: () => ProxyConfig;
}

/** Starts the admin server; resolves with it and its port. Ready = at least one listener and one cluster applied. */
export async function startAdmin(opts: AdminOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, type: string, body: string): void => {
      res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
    };
    if (path === '/metrics') {
      opts.stats.registry.metrics().then((text) => send(200, opts.stats.registry.contentType, text), (err: Error) => send(500, 'text/plain', err.message));
    } else if (path === '/config_dump') {
      send(200, 'application/json', `${JSON.stringify(configDump(opts.config()), null, 2)}\n`);
    } else if (path === '/ready') {
      const c = opts.config();
      const ready = c.listeners.size > 0 && c.clusters.size > 0;
      send(ready ? 200 : 503, 'text/plain', ready ? 'ready\n' : 'no xDS config applied yet\n');
    } else {
      send(404, 'text/plain', 'endpoints: /metrics /config_dump /ready\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
