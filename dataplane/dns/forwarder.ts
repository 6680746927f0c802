/**
 * Forwards queries for names outside the cluster zone to one upstream over UDP. Each query gets a fresh ID
 * on the upstream socket (so clients' IDs cannot collide); the reply is passed back with the client's ID.
 * A query unanswered within the timeout resolves to SERVFAIL.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { RCODE, errorResponse } from './wire.js';

interface Pending {
  clientId: number;
  resolve: (reply: Buffer) => void;
  timer: NodeJS.Timeout;
}

export interface Upstream {
  host: string;
  port: number;
}

/** `1.2.3.4` or `1.2.3.4:5353` (IPv4 only, as the cluster is). */
export function parseUpstream(spec: string): Upstream {
  const [host, port] = spec.split(':');
  const p = port === undefined ? 53 : Number(port);
  if (!host || !/^\d+\.\d+\.\d+\.\d+$/.test(host) || !Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`invalid upstream ${spec}: want IPv4[:port]`);
  return { host, port: p };
}

export class Forwarder {
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private nextId = Math.floor(Math.random() * 0x10000);
  private ready: Promise<void>;

  constructor(private readonly upstream: Upstream, private readonly timeoutMs: number) {
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => this.onReply(msg, rinfo));
    this.socket.on('error', () => {}); // ICMP errors surface per query as timeouts
    this.ready = new Promise((resolve) => this.socket.bind(0, resolve));
  }

  /** The upstream's reply with the client's ID, or SERVFAIL after the timeout. `questionEnd` as `readQuery` found it. */
  async forward(query: Buffer, questionEnd: number): Promise<Buffer> {
    await this.ready;
    if (this.pending.size >= 0x10000) return errorResponse(query, questionEnd, RCODE.SERVFAIL);
    let id = this.nextId;
    while (this.pending.has(id)) id = (id + 1) & 0xffff;
    this.nextId = (id + 1) & 0xffff;
    const out = Buffer.from(query);
    out.writeUInt16BE(id, 0);
    return new Promise<Buffer>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(errorResponse(query, questionEnd, RCODE.SERVFAIL));
      }, this.timeoutMs);
      this.pending.set(id, { clientId: query.readUInt16BE(0), resolve, timer });
      this.socket.send(out, this.upstream.port, this.upstream.host);
    });
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.socket.close();
  }

  private onReply(msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length < 12 || rinfo.address !== this.upstream.host || rinfo.port !== this.upstream.port) return;
    const id = msg.readUInt16BE(0);
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    msg.writeUInt16BE(p.clientId, 0);
    p.resolve(msg);
  }
}
