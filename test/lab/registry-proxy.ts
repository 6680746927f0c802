import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';

/**
 * An HTTP proxy in front of a lab registry that records every request and can corrupt response bodies,
 * so tests can count what a client fetched and check that tampered content is refused.
 */

export interface RegistryProxy {
  /** `127.0.0.1:PORT`: use as the registry part of image references. */
  host: string;
  /** `METHOD /path` of each request, in arrival order. */
  requests: string[];
  /** Whether to flip the first byte of the response body of a request to this path. */
  corrupt: (path: string) => boolean;
  stop(): Promise<void>;
}

function flipFirstByte(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (first && chunk.length) {
        first = false;
        const copy = Buffer.from(chunk);
        copy[0] ^= 0xff;
        callback(null, copy);
        return;
      }
      callback(null, chunk);
    },
  });
}

export async function startRegistryProxy(target: string): Promise<RegistryProxy> {
  const [targetHost, targetPort] = target.split(':');
  const proxy: RegistryProxy = { host: '', requests: [], corrupt: () => false, stop: async () => {} };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    proxy.requests.push(`${req.method} ${path.split('?')[0]}`);
    const upstream = request({ host: targetHost, port: Number(targetPort), method: req.method, path, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      (proxy.corrupt(path.split('?')[0]) ? up.pipe(flipFirstByte()) : up).pipe(res);
    });
    upstream.on('error', (err) => res.destroy(err));
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  proxy.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return proxy;
}
