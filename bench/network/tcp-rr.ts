/**
 * TCP latency probe, run inside a network namespace (`ip netns exec <ns> node tcp-rr.js ...`):
 *   server <host> <port>                          echoes every byte back
 *   client <host> <port> <roundTrips> <connects>  prints JSON: request/response latency over one connection
 *                                                 (64-byte messages) and new-connection latency (connect +
 *                                                 one round trip), p50/p99 in ms.
 * New connections are what exercise service DNAT and conntrack; round trips on one connection the steady path.
 */
import { connect, createServer, type Socket } from 'node:net';
import { Samples } from '../lib/stats.js';

const MESSAGE = Buffer.alloc(64, 0x61);

function roundTrip(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const onData = (chunk: Buffer): void => {
      got += chunk.length;
      if (got >= MESSAGE.length) { socket.off('data', onData); socket.off('error', reject); resolve(); }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(MESSAGE);
  });
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true }, () => { socket.off('error', reject); resolve(socket); });
    socket.once('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer from ${host}:${port} within 5 s`)));
  });
}

async function client(host: string, port: number, roundTrips: number, connects: number): Promise<void> {
  const rr = new Samples();
  const socket = await open(host, port);
  for (let i = 0; i < roundTrips; i++) {
    const t = performance.now();
    await roundTrip(socket);
    rr.add(performance.now() - t);
  }
  socket.destroy();
  const fresh = new Samples();
  for (let i = 0; i < connects; i++) {
    const t = performance.now();
    const s = await open(host, port);
    await roundTrip(s);
    fresh.add(performance.now() - t);
    s.destroy();
  }
  const summary = (s: Samples): { p50: number; p99: number; n: number } => ({ p50: s.percentile(50), p99: s.percentile(99), n: s.count });
  process.stdout.write(`${JSON.stringify({ rr: summary(rr), connect: summary(fresh) })}\n`);
}

const [mode, host, port, roundTrips, connects] = process.argv.slice(2);
if (mode === 'server' && host && port) {
  createServer((s) => { s.setNoDelay(true); s.pipe(s); s.on('error', () => s.destroy()); })
    .listen(Number(port), host, () => process.stdout.write('ready\n'));
} else if (mode === 'client' && host && port) {
  await client(host, Number(port), Number(roundTrips ?? 2000), Number(connects ?? 300));
} else {
  process.stderr.write('usage: tcp-rr.js server <host> <port> | client <host> <port> <roundTrips> <connects>\n');
  process.exit(2);
}
