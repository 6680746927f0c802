/**
 * The service proxy against real nftables: a lab "node" namespace with the cairn0 bridge, three endpoint
 * pods and a client pod wired as the networking design wires pods, plus an outside host on a second link.
 * Each endpoint answers `<name> <peer address>` and then echoes lines, so a test sees which endpoint a
 * connection reached and whether its source was masqueraded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Endpoints, Service } from '../../api/types/core.js';
import { startServiceProxy } from '../../dataplane/proxy/service-proxy.js';
import { nftRunner } from '../../dataplane/nft-runner.js';
import { ProxySyncer } from '../../dataplane/proxy/syncer.js';
import { endpoints, service } from '../../dataplane/proxy/testing/objects.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';
import { createNetns, deleteNetns, inNetns, reapStaleNetns, testNetnsName } from '../lab/netns.js';

const NODE = testNetnsName('px-node');
const CLIENT = testNetnsName('px-client');
const OUTSIDE = testNetnsName('px-out');
const EPS = ['ep1', 'ep2', 'ep3'].map((name, i) => ({ name, ns: testNetnsName(`px-${name}`), ip: `10.244.1.${i + 2}` }));
const CLIENT_IP = '10.244.1.100';
const NODE_IP = '192.168.77.1';
const GATEWAY = '10.244.1.1';
const CLUSTER_CIDR = '10.244.0.0/16';

const SERVER = `
const [name] = process.argv.slice(1);
require('net').createServer((s) => {
  s.write(name + ' ' + s.remoteAddress.replace(/^::ffff:/, '') + '\\n');
  s.on('data', (d) => s.write(d)).on('error', () => {});
}).listen(8080, () => console.log('listening'));`;

/** Connects \`count\` times in turn; prints one JSON line per attempt: the greeting or the error and how long it took. */
const PROBE = `
const [host, port, count] = process.argv.slice(1);
const once = () => new Promise((resolve) => {
  const t0 = Date.now();
  const s = require('net').connect({ host, port: Number(port), timeout: 3000 });
  s.once('data', (d) => { resolve({ reply: String(d).trim() }); s.destroy(); });
  s.once('error', (e) => resolve({ error: e.code, ms: Date.now() - t0 }));
  s.once('timeout', () => { resolve({ error: 'TIMEOUT', ms: Date.now() - t0 }); s.destroy(); });
});
(async () => { for (let i = 0; i < Number(count); i++) console.log(JSON.stringify(await once())); })();`;

/** One connection kept open: greeting first, then each stdin line is sent and its echo printed. */
const HOLD = `
const [host, port] = process.argv.slice(1);
const s = require('net').connect({ host, port: Number(port) });
s.on('data', (d) => process.stdout.write(d)).on('error', (e) => console.log('ERROR ' + e.code));
process.stdin.on('data', (d) => s.write(d));`;

interface ProbeResult { reply?: string; error?: string; ms?: number }

async function probe(ns: string, host: string, port: number, count: number): Promise<ProbeResult[]> {
  const out = await inNetns(ns, 'node', ['-e', PROBE, host, String(port), String(count)]);
  return out.trim().split('\n').map((l) => JSON.parse(l) as ProbeResult);
}

/** Names of the endpoints that answered, with counts. */
function tally(results: ProbeResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.reply?.split(' ')[0] ?? `error:${r.error}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const children: ChildProcessWithoutNullStreams[] = [];

async function wirePod(ns: string, hostVeth: string, ip: string): Promise<void> {
  await createNetns(ns);
  await inNetns(NODE, 'ip', ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await inNetns(NODE, 'ip', ['link', 'set', hostVeth, 'master', 'cairn0', 'up']);
  // Where br_netfilter is loaded, a pod's DNATed packet back to itself is bridged out of its own port:
  // hairpin mode lets it through (as the CNI bridge plugin's hairpinMode does).
  await inNetns(NODE, 'ip', ['link', 'set', hostVeth, 'type', 'bridge_slave', 'hairpin', 'on']);
  await inNetns(ns, 'ip', ['addr', 'add', `${ip}/24`, 'dev', 'eth0', 'noprefixroute']);
  await inNetns(ns, 'ip', ['link', 'set', 'eth0', 'up']);
  await inNetns(ns, 'ip', ['route', 'add', `${GATEWAY}/32`, 'dev', 'eth0', 'scope', 'link']);
  await inNetns(ns, 'ip', ['route', 'add', 'default', 'via', GATEWAY]);
  await inNetns(ns, 'sysctl', ['-qw', 'net.ipv4.conf.all.accept_redirects=0']);
}

async function buildLab(): Promise<void> {
  await createNetns(NODE);
  await inNetns(NODE, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  await inNetns(NODE, 'ip', ['link', 'add', 'cairn0', 'type', 'bridge']);
  await inNetns(NODE, 'ip', ['addr', 'add', `${GATEWAY}/24`, 'dev', 'cairn0']);
  await inNetns(NODE, 'ip', ['link', 'set', 'cairn0', 'up']);
  for (const [i, ep] of EPS.entries()) await wirePod(ep.ns, `veth${i}`, ep.ip);
  await wirePod(CLIENT, 'vethc', CLIENT_IP);
  // The outside host is the node's default gateway, as a real node's router would be.
  await createNetns(OUTSIDE);
  await inNetns(NODE, 'ip', ['link', 'add', 'uplink', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', OUTSIDE]);
  await inNetns(NODE, 'ip', ['addr', 'add', `${NODE_IP}/24`, 'dev', 'uplink']);
  await inNetns(NODE, 'ip', ['link', 'set', 'uplink', 'up']);
  await inNetns(NODE, 'ip', ['route', 'add', 'default', 'via', '192.168.77.2']);
  await inNetns(OUTSIDE, 'ip', ['addr', 'add', '192.168.77.2/24', 'dev', 'eth0']);
  await inNetns(OUTSIDE, 'ip', ['link', 'set', 'eth0', 'up']);
  await inNetns(OUTSIDE, 'ip', ['route', 'add', '10.244.0.0/16', 'via', NODE_IP]);
  for (const ep of EPS) {
    const child = spawn('ip', ['netns', 'exec', ep.ns, 'node', '-e', SERVER, ep.name]);
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`server ${ep.name} exited ${code}`)));
    });
  }
}

async function teardown(): Promise<void> {
  for (const c of children) c.kill();
  for (const ns of [NODE, CLIENT, OUTSIDE, ...EPS.map((e) => e.ns)]) await deleteNetns(ns);
}

/** Objects fed straight to a syncer. */
class Objects {
  readonly services = new Map<string, Service>();
  readonly eps = new Map<string, Endpoints>();
  readonly source = {
    serviceKeys: () => this.services.keys(),
    service: (k: string) => this.services.get(k),
    endpoints: (k: string) => this.eps.get(k),
  };
  put(svc: Service, ips: string[]): string {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    this.services.set(key, svc);
    this.eps.set(key, endpoints(svc.metadata.namespace!, svc.metadata.name!, ips));
    return key;
  }
}

function newSyncer(objects: Objects): ProxySyncer {
  return new ProxySyncer({ nft: nftRunner(NODE), node: { clusterCIDR: CLUSTER_CIDR }, source: objects.source, minSyncIntervalMs: 10 });
}

const ALL = EPS.map((e) => e.ip);

describe('service proxy with real nftables', () => {
  const objects = new Objects();
  let syncer: ProxySyncer;

  beforeAll(async () => {
    await reapStaleNetns();
    try {
      await buildLab();
    } catch (err) {
      await teardown();
      throw err;
    }
    objects.put(service('default', 'web', '10.96.0.10', { type: 'NodePort', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }] }), ALL);
    objects.put(service('default', 'sticky', '10.96.0.11', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }), ALL);
    objects.put(service('default', 'empty', '10.96.0.12', { type: 'NodePort', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30082 }] }), []);
    objects.put(service('default', 'self', '10.96.0.13'), [EPS[0]!.ip]);
    syncer = newSyncer(objects);
    await syncer.syncNow();
  }, 60_000);

  afterAll(async () => {
    await syncer?.stop();
    await teardown();
  });

  it('spreads 60 connections to the VIP over all three endpoints, keeping the client pod IP', async () => {
    const results = await probe(CLIENT, '10.96.0.10', 80, 60);
    const counts = tally(results);
    expect(Object.keys(counts).sort()).toEqual(['ep1', 'ep2', 'ep3']);
    expect(results.every((r) => r.reply?.endsWith(` ${CLIENT_IP}`))).toBe(true);
  });

  it('takes an endpoint removed from Endpoints out of rotation', async () => {
    objects.eps.set('default/web', endpoints('default', 'web', ALL.slice(0, 2)));
    syncer.markChanged('default/web');
    await syncer.syncNow();
    expect(Object.keys(tally(await probe(CLIENT, '10.96.0.10', 80, 30))).sort()).toEqual(['ep1', 'ep2']);
    objects.eps.set('default/web', endpoints('default', 'web', ALL));
    syncer.markChanged('default/web');
    await syncer.syncNow();
  });

  it('keeps a client on one endpoint with ClientIP affinity', async () => {
    const counts = tally(await probe(CLIENT, '10.96.0.11', 80, 20));
    expect(Object.values(counts)).toEqual([20]);
  });

  it('serves a NodePort on the node address; an outside client is masqueraded', async () => {
    expect(Object.keys(tally(await probe(CLIENT, NODE_IP, 30080, 30))).sort()).toEqual(['ep1', 'ep2', 'ep3']);
    const outside = await probe(OUTSIDE, NODE_IP, 30080, 5);
    expect(outside.every((r) => r.reply?.endsWith(` ${GATEWAY}`))).toBe(true);
  });

  it('refuses connections to a service without endpoints at once, on its VIP and its NodePort', async () => {
    for (const [host, port] of [['10.96.0.12', 80], [NODE_IP, 30082]] as const) {
      const [r] = await probe(CLIENT, host, port, 1);
      expect(r!.error).toBe('ECONNREFUSED');
      expect(r!.ms).toBeLessThan(1000);
    }
  });

  it('masquerades hairpin traffic so a pod reaches itself through its service', async () => {
    const [r] = await probe(EPS[0]!.ns, '10.96.0.13', 80, 1);
    expect(r).toEqual({ reply: `ep1 ${GATEWAY}` });
  });

  it('lets a process in the node namespace reach a VIP', async () => {
    expect(Object.keys(tally(await probe(NODE, '10.96.0.10', 80, 30))).sort()).toEqual(['ep1', 'ep2', 'ep3']);
  });

  it('keeps an established connection through an unrelated sync and a proxy restart', async () => {
    const hold = spawn('ip', ['netns', 'exec', CLIENT, 'node', '-e', HOLD, '10.96.0.10', '80']);
    children.push(hold);
    const lines = createInterface({ input: hold.stdout });
    const next = (): Promise<string> => new Promise((resolve) => lines.once('line', resolve));
    expect(await next()).toMatch(/^ep\d /);
    objects.put(service('default', 'other', '10.96.0.20'), ALL);
    syncer.markChanged('default/other');
    await syncer.syncNow();
    hold.stdin.write('after-sync\n');
    expect(await next()).toBe('after-sync');
    await syncer.stop();
    syncer = newSyncer(objects); // a restarted proxy: full sync over the existing table
    expect((await syncer.syncNow())?.mode).toBe('full');
    hold.stdin.write('after-restart\n');
    expect(await next()).toBe('after-restart');
    hold.kill();
  });
});

describe('startServiceProxy fed by a registry', () => {
  let cluster: TestCluster;
  let proxy: Awaited<ReturnType<typeof startServiceProxy>> | undefined;

  beforeAll(async () => {
    await reapStaleNetns();
    try {
      await buildLab();
    } catch (err) {
      await teardown();
      throw err;
    }
    cluster = await startTestCluster();
  }, 60_000);

  afterAll(async () => {
    await proxy?.stop();
    await cluster?.stop();
    await teardown();
  });

  it('programs Services and follows Endpoints changes from watches', async () => {
    const services = cluster.client.resource<Service>('services');
    const eps = cluster.client.resource<Endpoints>('endpoints');
    await services.create(service('default', 'api', '10.96.0.30'));
    await eps.create(endpoints('default', 'api', [EPS[0]!.ip]));
    proxy = await startServiceProxy({ client: cluster.client, nodeName: 'lab-node', netns: NODE, clusterCIDR: CLUSTER_CIDR, minSyncIntervalMs: 20 });
    expect(tally(await probe(CLIENT, '10.96.0.30', 80, 5))).toEqual({ ep1: 5 });

    const current = await eps.get('api', 'default');
    await eps.update({ ...current, subsets: endpoints('default', 'api', [EPS[1]!.ip]).subsets });
    await waitFor('traffic to move to ep2', async () => (await probe(CLIENT, '10.96.0.30', 80, 1))[0]!.reply?.startsWith('ep2'));

    await services.delete('api', 'default');
    await waitFor('the VIP to stop answering', async () => (await probe(CLIENT, '10.96.0.30', 80, 1))[0]!.error !== undefined, 15_000);
    expect(await proxy.metrics.registry.metrics()).toMatch(/cairn_proxy_sync_duration_seconds_count\{mode="partial"\} [1-9]/);
  });
});
