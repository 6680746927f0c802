import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface EmbeddedEtcdOptions {
  dataDir: string;
  clientPort: number;
  peerPort: number;
  name?: string;
  /** Where etcd's own log goes (appended); defaults to `<dataDir>/etcd.log`. */
  logFile?: string;
  binary?: string;
}

/**
 * A single-member etcd run as a child process, as `cairn up` and the tests use it.
 * Data survives restarts in `dataDir`; every write acknowledged by etcd is fsynced there.
 */
export class EmbeddedEtcd {
  private child: ChildProcess | undefined;

  /** The etcd process id while it runs (for resource accounting). */
  get pid(): number | undefined {
    return this.child?.pid;
  }
  private exited: Promise<void> | undefined;

  constructor(private readonly opts: EmbeddedEtcdOptions) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.opts.clientPort}`;
  }

  async start(timeoutMs = 20_000): Promise<void> {
    const { dataDir, peerPort } = this.opts;
    const name = this.opts.name ?? 'cairn';
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const log = await open(this.opts.logFile ?? join(dataDir, 'etcd.log'), 'a');
    const peer = `http://127.0.0.1:${peerPort}`;
    const child = spawn(this.opts.binary ?? 'etcd', [
      '--name', name,
      '--data-dir', join(dataDir, 'member-data'),
      '--listen-client-urls', this.endpoint,
      '--advertise-client-urls', this.endpoint,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `${name}=${peer}`,
      '--initial-cluster-state', 'new',
      '--quota-backend-bytes', String(8 * 1024 * 1024 * 1024),
      '--max-request-bytes', String(3 * 1024 * 1024 + 64 * 1024),
      '--logger', 'zap',
      '--log-level', 'warn',
    ], { stdio: ['ignore', log.fd, log.fd] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => { void log.close(); resolve(); }));
    let spawnError: Error | undefined;
    child.once('error', (err) => { spawnError = err; });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (spawnError) throw new Error(`could not start etcd (${spawnError.message}): install it with 'apt-get install etcd-server'`);
      if (child.exitCode !== null) throw new Error(`etcd exited with code ${child.exitCode}; see ${this.opts.logFile ?? join(dataDir, 'etcd.log')}`);
      if (await this.healthy()) return;
      await sleep(100);
    }
    await this.stop();
    throw new Error(`etcd did not become healthy within ${timeoutMs} ms on ${this.endpoint}`);
  }

  private async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: string };
      return body.health === 'true';
    } catch {
      return false;
    }
  }

  /** Graceful stop (SIGTERM), or SIGKILL to simulate a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killTimer);
    this.child = undefined;
  }
}
