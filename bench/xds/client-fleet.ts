/**
 * The benchmark's side of the simulated ADS clients: `procs` forked client processes (bench/xds/client-proc.ts)
 * sharing `clients` streams. `stop` kills every process (SIGKILL after 2 s), and a process exits by itself if the
 * benchmark dies (IPC disconnect).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, rssMiB } from '../lib/stats.js';
import type { Target } from './ads-client.js';
import { hrNow, type FromClients, type ToClients } from './messages.js';

const CLIENT_PROC = fileURLToPath(new URL('./client-proc.js', import.meta.url));

export interface FleetOptions {
  address: string;
  clients: number;
  procs: number;
  perChannel: number;
  timeoutMs: number;
}

export interface WatchResult {
  /** Per client that reached the target: ms from `since` to receiving it, and to ACKing it with its chain complete. */
  received: number[];
  acked: number[];
  missing: number;
}

export class ClientFleet {
  private readonly procs: ChildProcess[] = [];
  private readonly listeners = new Set<(msg: FromClients, proc: number) => void>();
  private nextWatch = 0;
  /** Highest RSS of the client processes together, MiB. */
  peakRssMiB = 0;

  /** Forks the processes, opens every stream, and resolves once all hold full state, with the time that took. */
  static async start(opts: FleetOptions): Promise<{ fleet: ClientFleet; connectMs: number; failed: number; counts: Record<string, number> }> {
    const fleet = new ClientFleet();
    try {
      const share = Math.ceil(opts.clients / opts.procs);
      const sizes = Array.from({ length: opts.procs }, (_, p) => Math.max(0, Math.min(share, opts.clients - p * share))).filter((n) => n > 0);
      const loaded = fleet.collect(sizes.length, (m) => (m.type === 'loaded' ? m : undefined), 60_000, 'client processes loaded');
      for (let p = 0; p < sizes.length; p++) {
        const child = fork(CLIENT_PROC, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--enable-source-maps'] });
        child.on('message', (msg: FromClients) => {
          if (msg.type === 'error') process.stderr.write(`xds client process ${p}: ${msg.message}\n`);
          for (const l of fleet.listeners) l(msg, p);
        });
        fleet.procs.push(child);
      }
      await loaded;
      const start = hrNow();
      const readies = fleet.collect(sizes.length, (m) => (m.type === 'ready' ? m : undefined), opts.timeoutMs, 'every client holding full state');
      let first = 0;
      sizes.forEach((n, p) => {
        fleet.procs[p]!.send({ type: 'start', address: opts.address, streams: n, perChannel: opts.perChannel, firstId: first } satisfies ToClients);
        first += n;
      });
      const ready = await readies;
      return {
        fleet,
        connectMs: Math.max(...ready.map((r) => r.at)) - start,
        failed: ready.reduce((s, r) => s + r.failed, 0),
        counts: ready[0]!.counts,
      };
    } catch (err) {
      await fleet.stop();
      throw err;
    }
  }

  /**
   * Arms a watch for `target` in every process, runs `change` (which resolves when the API write has been
   * answered), and measures from that moment to each client reaching the target.
   */
  async measure(target: Target, change: () => Promise<void>, timeoutMs: number): Promise<WatchResult> {
    const id = ++this.nextWatch;
    const armed = this.collect(this.procs.length, (m) => (m.type === 'armed' && m.id === id ? m : undefined), 10_000, 'watches armed');
    const watched = this.collect(this.procs.length, (m) => (m.type === 'watched' && m.id === id ? m : undefined), timeoutMs + 10_000, `target ${target.name}`);
    for (const p of this.procs) p.send({ type: 'watch', id, target, timeoutMs } satisfies ToClients);
    await armed;
    await change();
    const since = hrNow();
    const results = await watched;
    return {
      received: results.flatMap((r) => r.receivedAt.map((t) => t - since)),
      acked: results.flatMap((r) => r.ackedAt.map((t) => t - since)),
      missing: results.reduce((s, r) => s + r.missing, 0),
    };
  }

  sampleRss(): void {
    this.peakRssMiB = Math.max(this.peakRssMiB, this.procs.reduce((s, p) => s + (rssMiB(p.pid ?? 0) || 0), 0));
  }

  /** CPU seconds the client processes have used so far, together. */
  cpu(): number {
    return this.procs.reduce((s, p) => s + (cpuSeconds(p.pid ?? 0) || 0), 0);
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map(async (p) => {
      if (p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      const timer = setTimeout(() => p.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }));
  }

  /** Resolves with one matching message from each of `count` processes; rejects after `timeoutMs` or if one exits. */
  private collect<T>(count: number, match: (m: FromClients) => T | undefined, timeoutMs: number, what: string): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const got = new Map<number, T>();
      const done = (err?: Error): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        for (const p of this.procs) p.off('exit', onExit);
        if (err) reject(err);
        else resolve([...got.values()]);
      };
      const listener = (m: FromClients, proc: number): void => {
        const v = match(m);
        if (v === undefined) return;
        got.set(proc, v);
        if (got.size === count) done();
      };
      const onExit = (): void => done(new Error(`an xDS client process exited while waiting for ${what}`));
      const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (${got.size}/${count} processes answered)`)), timeoutMs);
      this.listeners.add(listener);
      for (const p of this.procs) p.once('exit', onExit);
    });
  }
}
