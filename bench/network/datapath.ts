/**
 * Pod network data path on two lab hosts with real agents: throughput (iperf3, Debian) and TCP latency
 * (tcp-rr.ts) for pod→pod across hosts and pod→Service VIP, then the same pod→pod path with Cairn's nftables
 * tables removed (agents stopped), as the no-Cairn-rules baseline on the same hosts, veths and routes.
 * Run: npm run bench:datapath  (BENCH_IPERF_SECONDS, BENCH_RR_ROUND_TRIPS, BENCH_RR_CONNECTS to resize).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Endpoints, Service } from '../../api/types/core.js';
import { startNetworkCluster } from '../../test/harness/network-cluster.js';
import { waitFor } from '../../test/harness/wait.js';
import { inNetns } from '../../test/lab/netns.js';

const IPERF_SECONDS = Number(process.env.BENCH_IPERF_SECONDS ?? 5);
const ROUND_TRIPS = Number(process.env.BENCH_RR_ROUND_TRIPS ?? 3000);
const CONNECTS = Number(process.env.BENCH_RR_CONNECTS ?? 500);
const TCP_RR = fileURLToPath(new URL('./tcp-rr.js', import.meta.url));
const IPERF_PORT = 5201;
const RR_PORT = 7000;

interface Latency { p50: number; p99: number; n: number }
interface Measurement { path: string; gbps: number; rr: Latency; connect: Latency }


function serve(netns: string, args: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', netns, ...args], { stdio: 'ignore' });
}

async function measure(path: string, clientNetns: string, target: string): Promise<Measurement> {
  const iperf = JSON.parse(await inNetns(clientNetns, 'iperf3', ['-c', target, '-p', String(IPERF_PORT), '-t', String(IPERF_SECONDS), '-J'])) as
    { end: { sum_received: { bits_per_second: number } } };
  const latency = JSON.parse(await inNetns(clientNetns, process.execPath, [TCP_RR, 'client', target, String(RR_PORT), String(ROUND_TRIPS), String(CONNECTS)])) as
    { rr: Latency; connect: Latency };
  return { path, gbps: iperf.end.sum_received.bits_per_second / 1e9, ...latency };
}

async function main(): Promise<void> {
  const started = Date.now();
  const net = await startNetworkCluster('bench', 2);
  const servers: ChildProcess[] = [];
  try {
    const [n1, n2] = net.nodes;
    const sleeper = { containers: [{ name: 'sh', image: net.refs.busybox, command: ['sleep', '36000'] }] };
    const server = await net.runPod(n2!, 'server', sleeper, { labels: { app: 'server' } });
    const client = await net.runPod(n1!, 'client', sleeper);
    const serverNetns = net.netnsOf(server);
    const clientNetns = net.netnsOf(client);
    servers.push(serve(serverNetns, ['iperf3', '-s', '-p', String(IPERF_PORT)]));
    servers.push(serve(serverNetns, [process.execPath, TCP_RR, 'server', '0.0.0.0', String(RR_PORT)]));
    const svc = await net.cluster.client.resource<Service>('services').create({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'server', namespace: 'default' },
      spec: { selector: { app: 'server' }, ports: [{ name: 'iperf', port: IPERF_PORT }, { name: 'rr', port: RR_PORT }] },
    });
    const vip = svc.spec.clusterIP!;
    await waitFor('the server endpoint', async () => (await net.cluster.client.resource<Endpoints>('endpoints').get('server', 'default').catch(() => undefined))?.subsets?.length, 30_000);
    await waitFor('the VIP answering', () => inNetns(clientNetns, process.execPath, [TCP_RR, 'client', vip, String(RR_PORT), '1', '0']).then(() => true, () => false), 30_000);
    console.log(`pods: client ${client.status!.podIP} on ${n1!.name}, server ${server.status!.podIP} on ${n2!.name}; VIP ${vip}`);

    const results: Measurement[] = [];
    results.push(await measure('pod → pod, across hosts', clientNetns, server.status!.podIP!));
    results.push(await measure('pod → Service VIP (DNAT), across hosts', clientNetns, vip));
    for (const node of net.nodes) {
      await node.agent.stop();
      for (const table of [['ip', 'cairn-proxy'], ['inet', 'cairn-policy']]) {
        await inNetns(node.host.netns, 'nft', ['delete', 'table', ...table]).catch(() => undefined);
      }
    }
    results.push(await measure('pod → pod, no Cairn nftables rules (baseline)', clientNetns, server.status!.podIP!));

    const ms = (n: number): string => n.toFixed(3).padStart(7);
    console.log(`\n${'path'.padEnd(48)} ${'Gbit/s'.padStart(7)}  ${'rr p50'.padStart(7)} ${'rr p99'.padStart(7)}  ${'conn p50'.padStart(8)} ${'conn p99'.padStart(8)}  (ms)`);
    for (const r of results) {
      console.log(`${r.path.padEnd(48)} ${r.gbps.toFixed(2).padStart(7)}  ${ms(r.rr.p50)} ${ms(r.rr.p99)}  ${ms(r.connect.p50).padStart(8)} ${ms(r.connect.p99).padStart(8)}`);
    }
    console.log(`\niperf3 ${IPERF_SECONDS} s per path; ${ROUND_TRIPS} round trips of 64 B on one connection; ${CONNECTS} new connections; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    for (const s of servers) s.kill('SIGKILL');
    await net.stop();
  }
}

await main();
