/**
 * Cluster DNS benchmark: 10,000 services in the registry, `cairn dns` (a child process fed by its informers)
 * and dnsmasq serving the same 10,000 names from a hosts file, each driven by dnsperf for the same time with
 * the same query file. Prints QPS, p50/p99 latency (from dnsperf -v per-query latencies) and Cairn's RSS.
 *
 *   node dist/bench/network/dns.js [--services 10000] [--seconds 15] [--clients 2] [--outstanding 32] [--workers 1]
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { freePort } from '../../test/harness/ports.js';
import { call, startBenchCluster, type Endpoint } from '../lib/bench-cluster.js';
import { rssMiB } from '../lib/stats.js';

const run = promisify(execFile);
const { values: args } = parseArgs({
  options: {
    services: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '15' },
    clients: { type: 'string', default: '2' },
    outstanding: { type: 'string', default: '32' },
    workers: { type: 'string', default: '1' },
  },
});
const SERVICES = Number(args.services);
const SECONDS = Number(args.seconds);
const NS = 'default';
const name = (i: number): string => `svc-${i}.${NS}.svc.cluster.local`;
/** ClusterIPs given explicitly (inside 10.96.0.0/12, clear of the DNS service's 10.96.0.10), so dnsmasq serves the same data. */
const ip = (i: number): string => `10.100.${i >> 8}.${i & 255}`;

interface PerfResult { qps: number; sent: number; completed: number; lost: number; p50: number; p99: number; rcodes: string }

/** dnsperf for SECONDS; -v prints every query's latency, from which the percentiles come. */
async function dnsperf(port: number, queryFile: string, onSecond: () => void): Promise<PerfResult> {
  const child = spawn('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', queryFile, '-l', String(SECONDS),
    '-c', args.clients!, '-q', args.outstanding!, '-t', '2', '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const latencies: number[] = [];
  const summary: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('> ')) latencies.push(Number(line.slice(line.lastIndexOf(' ') + 1)));
    else summary.push(line);
  });
  const timer = setInterval(onSecond, 1000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`dnsperf exited with ${code}`);
  const text = summary.join('\n');
  const field = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => (latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN) * 1000;
  return {
    qps: field(/Queries per second:\s+([\d.]+)/), sent: field(/Queries sent:\s+(\d+)/), completed: field(/Queries completed:\s+(\d+)/),
    lost: field(/Queries lost:\s+(\d+)/), p50: pct(50), p99: pct(99), rcodes: /Response codes:\s+(.*)/.exec(text)?.[1] ?? '',
  };
}

/** RSS of a process and its children (the workers, with --workers), MiB. */
function treeRssMiB(pid: number): number {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // exited
  }
  return (rssMiB(pid) || 0) + children.reduce((sum, c) => sum + treeRssMiB(c), 0);
}

async function answers(port: number, i: number): Promise<boolean> {
  try {
    const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+short', '+tries=1', '+time=1', name(i), 'A']);
    return stdout.trim() === ip(i);
  } catch {
    return false;
  }
}

async function waitAnswering(what: string, port: number, child: ChildProcess): Promise<void> {
  for (let t = 0; t < 600; t++) {
    if (child.exitCode !== null) throw new Error(`${what} exited`);
    if (await answers(port, SERVICES - 1)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer`);
}

async function createServices(ep: Endpoint): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    for (let i = next++; i < SERVICES; i = next++) {
      const res = await call(ep, 'POST', `/api/v1/namespaces/${NS}/services`, {
        apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}`, namespace: NS },
        spec: { clusterIP: ip(i), ports: [{ name: 'http', port: 80 }] },
      });
      if (res.status !== 201) throw new Error(`create svc-${i}: ${res.status} ${res.body}`);
    }
  }));
}

function report(label: string, r: PerfResult, extra = ''): void {
  console.log(`${label.padEnd(12)} qps=${r.qps.toFixed(0).padStart(6)}  p50=${r.p50.toFixed(2)} ms  p99=${r.p99.toFixed(2)} ms  `
    + `completed=${r.completed}/${r.sent} lost=${r.lost}  ${r.rcodes}${extra}`);
}

async function main(): Promise<void> {
  const cluster = await startBenchCluster(32);
  let dnsmasq: ChildProcess | undefined;
  try {
    const started = Date.now();
    await createServices(cluster.ep);
    console.log(`created ${SERVICES} services in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const order = Array.from({ length: SERVICES }, (_, i) => i).sort(() => Math.random() - 0.5);
    const queryFile = join(cluster.dir, 'queries');
    await writeFile(queryFile, order.map((i) => `${name(i)} A\n`).join(''));

    const port = await freePort();
    const dns = cluster.spawnCairn('dns', ['--kubeconfig', cluster.kubeconfig, 'dns', '--port', String(port), '--workers', args.workers!]);
    const syncStart = Date.now();
    await waitAnswering('cairn dns', port, dns.child!);
    console.log(`cairn dns answering all names ${((Date.now() - syncStart) / 1000).toFixed(1)} s after start; RSS ${treeRssMiB(dns.pid()!).toFixed(0)} MiB`);
    let peak = 0;
    const cairn = await dnsperf(port, queryFile, () => { peak = Math.max(peak, treeRssMiB(dns.pid()!)); });
    report('cairn dns', cairn, `  rss(peak)=${peak.toFixed(0)} MiB  workers=${args.workers}`);

    const hosts = join(cluster.dir, 'hosts');
    await writeFile(hosts, Array.from({ length: SERVICES }, (_, i) => `${ip(i)} ${name(i)}\n`).join(''));
    const mport = await freePort();
    dnsmasq = spawn('dnsmasq', ['--no-resolv', '--no-hosts', `--addn-hosts=${hosts}`, `--port=${mport}`, '--listen-address=127.0.0.1',
      '--bind-interfaces', '--keep-in-foreground', '--cache-size=20000', '--user=root', '--pid-file='], { stdio: 'ignore' });
    await waitAnswering('dnsmasq', mport, dnsmasq);
    const reference = await dnsperf(mport, queryFile, () => {});
    report('dnsmasq', reference);
  } finally {
    dnsmasq?.kill('SIGTERM');
    await cluster.stop();
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
