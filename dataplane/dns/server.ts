/**
 * The DNS sockets: UDP, and TCP (RFC 7766: 2-byte length framing, several queries per connection) for
 * answers too big for a datagram. Both hand packets to one Responder; a malformed packet is dropped
 * (on TCP the connection is closed, since framing can no longer be trusted).
 */
import { createSocket, type SocketOptions } from 'node:dgram';
import { lookup } from 'node:dns';
import { createServer, isIPv4, type Socket as TcpSocket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Responder } from './responder.js';

/** Idle TCP connections are closed after this long, as RFC 7766 suggests servers do. */
const TCP_IDLE_MS = 10_000;

export interface DnsSockets {
  /** The port both sockets listen on (the one asked for, or the one the OS picked for 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * Replies go to the client's address as a literal: answering it here spares every send dgram's default
 * `dns.lookup` round trip through the next tick (a measurable share of a query's cost).
 */
const literalAddress: NonNullable<SocketOptions['lookup']> = (host, opts, callback) => {
  if (isIPv4(host)) callback(null, host, 4);
  else lookup(host, opts, callback);
};

/** Binds UDP and TCP on host:port; with port 0 the TCP server takes the UDP socket's port. */
export async function listenDns(responder: Responder, host: string, port: number): Promise<DnsSockets> {
  const udp = createSocket({ type: 'udp4', lookup: literalAddress, recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
  udp.on('message', (msg, rinfo) => {
    const out = responder.respond(msg, false, performance.now());
    if (out === undefined) return;
    if (out instanceof Promise) void out.then((reply) => udp.send(reply, rinfo.port, rinfo.address));
    else udp.send(out, rinfo.port, rinfo.address);
  });
  udp.on('error', () => {}); // per-datagram send errors (e.g. the client went away) are not ours to act on
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => { udp.off('error', reject); resolve(); });
  });
  const udpPort = (udp.address() as AddressInfo).port;
  let closeTcp: () => Promise<void>;
  try {
    closeTcp = await listenTcp(responder, host, udpPort);
  } catch (err) {
    udp.close();
    throw err;
  }
  return {
    port: udpPort,
    close: async () => {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await closeTcp();
    },
  };
}

/** Listens on TCP; resolves to a function that closes the server and every open connection. */
async function listenTcp(responder: Responder, host: string, port: number): Promise<() => Promise<void>> {
  const connections = new Set<TcpSocket>();
  const server = createServer((conn) => {
    connections.add(conn);
    conn.on('close', () => connections.delete(conn));
    conn.on('error', () => conn.destroy());
    conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
    serveConnection(responder, conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  return async () => {
    for (const conn of connections) conn.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

function serveConnection(responder: Responder, conn: TcpSocket): void {
  let buffered: Buffer = Buffer.alloc(0);
  conn.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    while (buffered.length >= 2) {
      const len = buffered.readUInt16BE(0);
      if (buffered.length < 2 + len) break;
      const msg = buffered.subarray(2, 2 + len);
      buffered = buffered.subarray(2 + len);
      const out = responder.respond(msg, true, performance.now());
      if (out === undefined) {
        conn.destroy();
        return;
      }
      if (out instanceof Promise) void out.then((reply) => writeFramed(conn, reply));
      else writeFramed(conn, out);
    }
  });
}

function writeFramed(conn: TcpSocket, msg: Buffer): void {
  if (conn.destroyed) return;
  const len = Buffer.allocUnsafe(2);
  len.writeUInt16BE(msg.length);
  conn.write(Buffer.concat([len, msg]));
}
