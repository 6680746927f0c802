/**
 * The network probe as its own process, started inside the pod's network namespace (`nsenter --net=...`)
 * so that 127.0.0.1 is the pod's loopback. Argument: a NetworkProbe as JSON. Exit 0 when the probe
 * succeeds, 1 when it fails; the reason is printed on stdout.
 */
import { connect } from 'node:net';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { NetworkProbe } from './probe-runner.js';

function done(ok: boolean, message: string): never {
  process.stdout.write(message);
  process.exit(ok ? 0 : 1);
}

const probe = JSON.parse(process.argv[2] ?? '{}') as NetworkProbe;
setTimeout(() => done(false, `timeout after ${probe.timeoutMs} ms`), probe.timeoutMs).unref();
if (probe.kind === 'tcp') {
  const socket = connect({ host: probe.host, port: probe.port }, () => { socket.destroy(); done(true, 'connected'); });
  socket.on('error', (err) => done(false, err.message));
} else {
  const send = probe.scheme === 'HTTPS' ? httpsRequest : request;
  const req = send({
    host: probe.host, port: probe.port, path: probe.path, method: 'GET', rejectUnauthorized: false,
    headers: { 'User-Agent': 'cairn-probe/1.0', ...probe.headers },
  }, (res) => {
    res.resume();
    const code = res.statusCode ?? 0;
    // Kubernetes: any 2xx or 3xx is success; redirects are not followed to another host.
    done(code >= 200 && code < 400, `HTTP probe failed with statuscode: ${code}`);
  });
  req.on('error', (err) => done(false, err.message));
  req.end();
}
