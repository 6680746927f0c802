/**
 * Service proxy sync benchmark, real nftables in a fresh namespace: the initial full sync of N services with
 * E endpoints each, then p50/p99 from one Endpoints change to its rules live (transaction committed and the
 * service's endpoint slots read back with `nft get element` showing the new endpoint), a restart's full resync over the
 * populated table, and the ruleset's size. The namespace (and with it the table) is removed at the end.
 *
 *   node dist/bench/network/proxy-sync.js [--services 10000] [--endpoints 10] [--changes 50]
 */
import type { Endpoints, Service } from '../../api/types/core.js';
import { nftRunner } from '../../dataplane/nft-runner.js';
import { ProxySyncer } from '../../dataplane/proxy/syncer.js';
import { endpoints, service } from '../../dataplane/proxy/testing/objects.js';
import { createNetns, deleteNetns, inNetns, reapStaleNetns, testNetnsName } from '../../test/lab/netns.js';
import { Samples } from '../lib/stats.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const SERVICES = arg('services', 10_000);
const PER_SERVICE = arg('endpoints', 10);
const CHANGES = arg('changes', 50);
const NETNS = testNetnsName('bench-proxy');

const ip = (base: number, n: number): string => `${base >> 8 & 255}.${base & 255}.${n >> 8 & 255}.${n & 255}`;
/** The k-th pod address of the benchmark: 10.244.0.0/16 holds 65,536, more wrap into 10.245/16 and up. */
const podIP = (k: number): string => ip((10 << 8) + 244 + (k >> 16), k & 0xffff);

function buildWorld(): { services: Map<string, Service>; eps: Map<string, Endpoints> } {
  const services = new Map<string, Service>();
  const eps = new Map<string, Endpoints>();
  let pod = 0;
  for (let i = 0; i < SERVICES; i++) {
    const name = `svc-${i}`;
    services.set(`bench/${name}`, service('bench', name, ip((10 << 8) + 96, i + 1)));
    eps.set(`bench/${name}`, endpoints('bench', name, Array.from({ length: PER_SERVICE }, () => podIP(pod++))));
  }
  return { services, eps };
}

async function main(): Promise<void> {
  await reapStaleNetns();
  await createNetns(NETNS);
  try {
    const world = buildWorld();
    const source = {
      serviceKeys: () => world.services.keys(),
      service: (k: string) => world.services.get(k),
      endpoints: (k: string) => world.eps.get(k),
    };
    const nft = nftRunner(NETNS);
    const node = { clusterCIDR: '10.244.0.0/16' };
    const syncer = new ProxySyncer({ nft, node, source });
    console.log(`${SERVICES} services × ${PER_SERVICE} endpoints = ${SERVICES * PER_SERVICE} endpoints, netns ${NETNS}`);

    let t0 = performance.now();
    const first = await syncer.syncNow();
    console.log(`initial full sync: ${((performance.now() - t0) / 1000).toFixed(2)} s (${first!.rules} rules, ${first!.elements} map elements)`);

    const apply = new Samples();
    const live = new Samples();
    let fresh = 1 << 20;
    for (let c = 0; c < CHANGES; c++) {
      const key = `bench/svc-${Math.floor(Math.random() * SERVICES)}`;
      const ep = world.eps.get(key)!;
      const ips = ep.subsets![0]!.addresses!.map((a) => a.ip);
      ips[Math.floor(Math.random() * ips.length)] = podIP(fresh++);
      world.eps.set(key, endpoints('bench', ep.metadata.name!, ips));
      const newIP = podIP(fresh - 1);
      t0 = performance.now();
      syncer.markChanged(key);
      await syncer.syncNow();
      apply.add(performance.now() - t0);
      const vip = world.services.get(key)!.spec.clusterIP!;
      const slots = ips.map((_, i) => `${vip} . 80 . ${i}`).join(', ');
      const got = await inNetns(NETNS, 'nft', ['get', 'element', 'ip', 'cairn-proxy', 'service-endpoints-tcp', `{ ${slots} }`]);
      if (!got.includes(`${newIP} . 8080`)) throw new Error(`change to ${key} not live: ${got}`);
      live.add(performance.now() - t0);
    }
    console.log(`endpoints change → transaction committed: ${apply.summary()}`);
    console.log(`endpoints change → confirmed by nft get element: ${live.summary()}`);

    await syncer.stop();
    const restarted = new ProxySyncer({ nft, node, source });
    t0 = performance.now();
    await restarted.syncNow();
    console.log(`restart: full resync over the populated table: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    await restarted.stop();

    t0 = performance.now();
    const listing = await inNetns(NETNS, 'nft', ['list', 'table', 'ip', 'cairn-proxy']);
    const listMs = performance.now() - t0;
    const chains = (listing.match(/^\tchain /gm) ?? []).length;
    console.log(`ruleset: ${chains} chains, ${listing.split('\n').length} lines, ${(listing.length / 1024 / 1024).toFixed(1)} MiB as \`nft list table\` (listed in ${listMs.toFixed(0)} ms)`);
    console.log(`bench process RSS: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
  } finally {
    await deleteNetns(NETNS);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
