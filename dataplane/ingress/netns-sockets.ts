/**
 * TCP sockets in another network namespace for a process that stays in its own: a helper child runs under
 * `ip netns exec` and passes each listening or connected socket back over IPC (SCM_RIGHTS). Node cannot setns(2),
 * and running the whole proxy in the namespace would cut it off from an API server only reachable from here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';

export type SocketRequest = { op: 'listen' | 'connect'; id: number; host: string; port: number };
type SocketReply = { id: number; error?: string };

const HELPER = fileURLToPath(new URL('./netns-socket-helper.js', import.meta.url));

export class NetnsSockets {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(handle: Server | Socket): void; reject(err: Error): void }>();

  private constructor(private readonly child: ChildProcess, readonly netns: string) {
    child.on('message', (msg: SocketReply, handle?: Server | Socket) => {
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.error || !handle) waiter.reject(new Error(`in netns ${netns}: ${msg.error ?? 'no socket received'}`));
      else waiter.resolve(handle);
    });
    child.on('exit', (code) => {
      for (const w of this.pending.values()) w.reject(new Error(`netns ${netns} socket helper exited (${code})`));
      this.pending.clear();
    });
  }

  /** Starts the helper in `/run/netns/<netns>`; rejects if the namespace cannot be entered. */
  static async start(netns: string): Promise<NetnsSockets> {
    const child = fork(HELPER, [], { execPath: 'ip', execArgv: ['netns', 'exec', netns, process.execPath], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return new NetnsSockets(child, netns);
  }

  private request<T extends Server | Socket>(op: SocketRequest['op'], host: string, port: number): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (h: Server | Socket) => void, reject });
      this.child.send({ op, id, host, port } satisfies SocketRequest, (err) => {
        if (!err) return;
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  /** A listening socket on host:port in the namespace (port 0: any free one there); hand it to `server.listen()`. */
  listen(host: string, port: number): Promise<Server> {
    return this.request('listen', host, port);
  }

  /** A connected socket to host:port, dialled from inside the namespace. */
  connect(host: string, port: number): Promise<Socket> {
    return this.request('connect', host, port);
  }

  close(): void {
    this.child.disconnect();
  }
}

/** A keep-alive agent whose new connections are dialled inside the namespace. */
export class NetnsAgent extends Agent {
  constructor(private readonly dialer: NetnsSockets, opts: AgentOptions) {
    super(opts);
  }

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    this.dialer.connect(options.host ?? 'localhost', Number(options.port)).then(
      (socket) => callback?.(null, socket),
      (err: Error) => callback?.(err, undefined as unknown as Duplex), // the agent reads only `err` on failure
    );
    return undefined;
  }
}
