/**
 * A cluster for benchmarks, as separate processes like a real deployment: etcd, and the registry (HTTPS,
 * token auth) spawned from the `cairn` CLI; more Cairn daemons (scheduler, hollow nodes) are spawned the same
 * way, so each one's CPU and RSS is its own. Every child is stopped and the temp dir removed in `stop`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbeddedEtcd } from '../../control/etcd/embedded-etcd.js';
import { renderKubeconfig } from '../../control/client/config.js';
import { ensurePki } from '../../control/pki/certificates.js';
import { freePort } from '../../test/harness/ports.js';
import { cpuSeconds, rssMiB } from './stats.js';

const CAIRN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export interface Endpoint { base: string; token: string; ca: string; agent: Agent }

export interface Daemon {
  name: string;
  /** undefined for etcd, which EmbeddedEtcd owns. */
  child?: ChildProcess;
  pid: () => number | undefined;
  /** Highest RSS seen by `sampleRss`, MiB. */
  peakRssMiB: number;
}

export interface BenchCluster {
  dir: string;
  ep: Endpoint;
  kubeconfig: string;
  daemons: Daemon[];
  /** Starts `cairn <args...>` against this cluster (BENCH_<NAME>_NODE_ARGS adds node flags, e.g. --cpu-prof). */
  spawnCairn(name: string, args: string[]): Daemon;
  sampleRss(): void;
  /** CPU seconds used so far by each daemon (etcd included), by name. */
  cpu(): Record<string, number>;
  stop(): Promise<void>;
}

/** One request; the response body is kept only for errors, unless `keepBody`. */
export function call(ep: Endpoint, method: string, path: string, body?: unknown, contentType = 'application/json', keepBody = false): Promise<{ status: number; bytes: number; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${ep.base}${path}`, {
      method, agent: ep.agent,
      headers: { Authorization: `Bearer ${ep.token}`, Accept: 'application/json', ...(payload ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, bytes: text.length, body: keepBody || (res.statusCode && res.statusCode >= 300) ? text.toString() : '' });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `op` from `concurrency` workers until `until()` holds. */
export async function drive(concurrency: number, until: () => boolean, op: (worker: number, i: number) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: concurrency }, async (_, w) => {
    while (!until()) await op(w, i++);
  }));
}

function nodeArgsFor(name: string): string[] {
  return process.env[`BENCH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_NODE_ARGS`]?.split(' ').filter(Boolean) ?? [];
}

export async function startBenchCluster(concurrency: number): Promise<BenchCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-'));
  const etcd = new EmbeddedEtcd({ dataDir: join(dir, 'etcd'), clientPort: await freePort(), peerPort: await freePort() });
  await etcd.start();
  const pki = await ensurePki(join(dir, 'pki'));
  await writeFile(join(dir, 'tokens'), pki.adminToken + '\n');
  const port = await freePort();
  const ep: Endpoint = { base: `https://127.0.0.1:${port}`, token: pki.adminToken, ca: pki.caCert, agent: new Agent({ keepAlive: true, ca: pki.caCert, maxSockets: concurrency }) };
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, renderKubeconfig({ server: ep.base, ca: pki.caCert, token: pki.adminToken }));
  const daemons: Daemon[] = [{ name: 'etcd', pid: () => etcd.pid, peakRssMiB: 0 }];
  const spawnCairn = (name: string, args: string[]): Daemon => {
    const child = spawn('node', [...nodeArgsFor(name), CAIRN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    // BENCH_LOG_DIR keeps each daemon's whole log (<name>.log) for a post-mortem.
    const logFile = process.env.BENCH_LOG_DIR ? createWriteStream(join(process.env.BENCH_LOG_DIR, `${name}.log`)) : undefined;
    child.stderr!.on('data', (c: Buffer) => { tail = (tail + c.toString()).slice(-4000); logFile?.write(c); });
    child.once('exit', (code, signal) => {
      if (code && signal === null) process.stderr.write(`${name} exited with ${code}:\n${tail}\n`);
    });
    const d: Daemon = { name, child, pid: () => child.pid, peakRssMiB: 0 };
    daemons.push(d);
    return d;
  };
  // BENCH_REGISTRY_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the registry process.
  spawnCairn('registry', ['registry', '--etcd-servers', etcd.endpoint, '--port', String(port),
    '--tls-cert-file', join(dir, 'pki', 'server.crt'), '--tls-key-file', join(dir, 'pki', 'server.key'), '--token-file', join(dir, 'tokens')]);
  const stop = async (): Promise<void> => {
    for (const { child } of [...daemons].reverse()) {
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    ep.agent.destroy();
    await etcd.stop();
    await rm(dir, { recursive: true, force: true });
  };
  let ready = false;
  for (let i = 0; i < 100 && !ready; i++) {
    try { ready = (await call(ep, 'GET', '/readyz')).status === 200; } catch { /* not yet listening */ }
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  if (!ready) {
    await stop();
    throw new Error('registry did not become ready');
  }
  return {
    dir, ep, kubeconfig, daemons, spawnCairn,
    sampleRss: () => {
      for (const d of daemons) {
        const pid = d.pid();
        if (pid) d.peakRssMiB = Math.max(d.peakRssMiB, rssMiB(pid) || 0);
      }
    },
    cpu: () => Object.fromEntries(daemons.map((d) => [d.name, cpuSeconds(d.pid() ?? 0)])),
    stop,
  };
}
