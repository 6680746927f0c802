import { afterEach, describe, expect, it } from '@jest/globals';
import type { Endpoints, Service } from '../../api/types/core.js';
import { ProxyMetrics } from './metrics.js';
import { ProxySyncer } from './syncer.js';
import { FakeNft } from './testing/fake-nft.js';
import { endpoints, service } from './testing/objects.js';
import { resolveVIP } from './testing/resolve.js';

const node = { clusterCIDR: '10.244.0.0/16' };

class World {
  services = new Map<string, Service>();
  eps = new Map<string, Endpoints>();
  source = {
    serviceKeys: () => this.services.keys(),
    service: (k: string) => this.services.get(k),
    endpoints: (k: string) => this.eps.get(k),
  };
  put(name: string, ip: string, ips: string[], spec: Partial<Service['spec']> = {}): void {
    this.services.set(`ns/${name}`, service('ns', name, ip, spec));
    this.eps.set(`ns/${name}`, endpoints('ns', name, ips));
  }
}

const syncers: ProxySyncer[] = [];
function newSyncer(nft: FakeNft, world: World, extra: Partial<ConstructorParameters<typeof ProxySyncer>[0]> = {}): ProxySyncer {
  const s = new ProxySyncer({ nft, node, source: world.source, minSyncIntervalMs: 20, retryMs: 20, ...extra });
  syncers.push(s);
  return s;
}
afterEach(async () => { for (const s of syncers.splice(0)) await s.stop(); });

const targets = (nft: FakeNft, vip: string): string[] | 'reject' => resolveVIP(nft.view(), vip, 'tcp', 80);

describe('ProxySyncer', () => {
  it('programs everything in one full sync, then rewrites only the changed service', async () => {
    const world = new World();
    world.put('a', '10.96.0.1', ['10.244.1.2', '10.244.1.3']);
    world.put('b', '10.96.0.2', ['10.244.1.4']);
    const nft = new FakeNft();
    const s = newSyncer(nft, world);
    expect((await s.syncNow())?.mode).toBe('full');
    expect(targets(nft, '10.96.0.1')).toEqual(['10.244.1.2:8080', '10.244.1.3:8080']);
    expect(targets(nft, '10.96.0.2')).toEqual(['10.244.1.4:8080']);

    world.eps.set('ns/a', endpoints('ns', 'a', ['10.244.1.3', '10.244.1.5']));
    s.markChanged('ns/a');
    expect((await s.syncNow())?.mode).toBe('partial');
    expect(targets(nft, '10.96.0.1')).toEqual(['10.244.1.3:8080', '10.244.1.5:8080']);
    const script = nft.scripts.at(-1)!;
    expect(script).not.toContain('10.96.0.2');
    expect(script).not.toMatch(/flush|delete table|chain/);
    expect(script).not.toContain('service-ips'); // still two endpoints: the VIP keeps its verdict
  });

  it('keeps the same chains whatever the number of bucketed services', async () => {
    const world = new World();
    const nft = new FakeNft();
    const s = newSyncer(nft, world);
    await s.syncNow();
    const chains = nft.state.chains.size;
    for (let i = 0; i < 50; i++) {
      world.put(`s${i}`, `10.96.1.${i}`, ['10.244.1.2', '10.244.1.3']);
      s.markChanged(`ns/s${i}`);
    }
    await s.syncNow();
    expect(nft.state.chains.size).toBe(chains);
    expect(targets(nft, '10.96.1.49')).toEqual(['10.244.1.2:8080', '10.244.1.3:8080']);
  });

  it('batches a burst of changes into one transaction', async () => {
    const world = new World();
    const nft = new FakeNft();
    const s = newSyncer(nft, world, { minSyncIntervalMs: 50 });
    await s.syncNow();
    for (let i = 0; i < 20; i++) {
      world.put(`s${i}`, `10.96.1.${i}`, ['10.244.1.2']);
      s.markChanged(`ns/s${i}`);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(nft.scripts).toHaveLength(2);
    for (let i = 0; i < 20; i++) expect(targets(nft, `10.96.1.${i}`)).toEqual(['10.244.1.2:8080']);
  });

  it('switches a service between rejecting and serving, and removes a deleted one completely', async () => {
    const world = new World();
    world.put('a', '10.96.0.1', []);
    const nft = new FakeNft();
    const s = newSyncer(nft, world);
    await s.syncNow();
    expect(targets(nft, '10.96.0.1')).toBe('reject');
    world.eps.set('ns/a', endpoints('ns', 'a', ['10.244.1.2']));
    s.markChanged('ns/a');
    await s.syncNow();
    expect(targets(nft, '10.96.0.1')).toEqual(['10.244.1.2:8080']);
    world.services.set('ns/a', service('ns', 'a', '10.96.0.1', { sessionAffinity: 'ClientIP' })); // now with a chain of its own
    s.markChanged('ns/a');
    await s.syncNow();
    expect(targets(nft, '10.96.0.1')).toEqual(['10.244.1.2:8080']);
    expect(nft.state.chains.has('svc-ns/a/tcp/http')).toBe(true);
    world.services.delete('ns/a');
    s.markChanged('ns/a');
    await s.syncNow();
    expect([...nft.state.chains.keys()].filter((c) => c.includes('ns/a'))).toEqual([]);
    expect(nft.state.sets.size).toBe(1); // the hairpin set; the affinity set is gone
    expect(nft.state.elements.size).toBe(0);
  });

  it('converges after a restart from what the table holds, keeping affinity sets', async () => {
    const world = new World();
    world.put('a', '10.96.0.1', ['10.244.1.2'], { sessionAffinity: 'ClientIP' });
    world.put('b', '10.96.0.2', ['10.244.1.3'], { sessionAffinity: 'ClientIP' });
    const nft = new FakeNft();
    await newSyncer(nft, world).syncNow();
    world.services.delete('ns/b'); // deleted while the proxy was down
    const restarted = newSyncer(nft, world);
    await restarted.syncNow();
    const script = nft.scripts.at(-1)!;
    expect(script).toContain('delete chain ip cairn-proxy svc-ns/b/tcp/http');
    expect(script).toContain('delete set ip cairn-proxy aff-10800-ns/b/tcp/http__10.244.1.3/8080');
    expect(script).not.toContain('add set ip cairn-proxy aff-'); // ns/a's affinity set stays with its entries
    expect(script).not.toMatch(/delete table|flush table|flush ruleset/);
    expect([...nft.state.chains.keys()].some((c) => c.includes('ns/b'))).toBe(false);
    expect(targets(nft, '10.96.0.1')).toEqual(['10.244.1.2:8080']);
    expect(targets(nft, '10.96.0.2')).toEqual([]);
  });

  it('retries a failed transaction as a full sync', async () => {
    const world = new World();
    const nft = new FakeNft();
    const metrics = new ProxyMetrics();
    const s = newSyncer(nft, world, { metrics, log: () => {} });
    await s.syncNow();
    world.put('a', '10.96.0.1', ['10.244.1.2']);
    nft.failNext = true;
    s.markChanged('ns/a');
    await new Promise((r) => setTimeout(r, 150));
    expect(targets(nft, '10.96.0.1')).toEqual(['10.244.1.2:8080']);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/cairn_proxy_sync_errors_total 1/);
    expect(text).toMatch(/cairn_proxy_sync_duration_seconds_count\{mode="full"\} 2/);
    expect(text).toMatch(/cairn_proxy_rules_programmed_total\{kind="rule"\} [1-9]/);
  });

  it('repairs outside tampering with the periodic full sync', async () => {
    const world = new World();
    world.put('a', '10.96.0.1', ['10.244.1.2']);
    const nft = new FakeNft();
    const s = newSyncer(nft, world, { fullSyncIntervalMs: 50 });
    await s.syncNow();
    nft.state.elements.clear(); // someone flushed our maps
    await new Promise((r) => setTimeout(r, 200));
    expect(targets(nft, '10.96.0.1')).toEqual(['10.244.1.2:8080']);
  });

  it('gives a contested VIP to one service and hands it over when that one goes', async () => {
    const world = new World();
    world.put('a', '10.96.0.1', ['10.244.1.2']);
    world.put('b', '10.96.0.1', ['10.244.1.3']);
    const nft = new FakeNft();
    const s = newSyncer(nft, world);
    await s.syncNow();
    expect(targets(nft, '10.96.0.1')).toEqual(['10.244.1.2:8080']);
    world.services.delete('ns/a');
    s.markChanged('ns/a');
    await s.syncNow();
    expect(targets(nft, '10.96.0.1')).toEqual(['10.244.1.3:8080']);
  });

  it('forgets the UDP flows of endpoints that leave a service, and only those', async () => {
    const world = new World();
    const udp = { ports: [{ name: 'dns', port: 53, protocol: 'UDP' as const, nodePort: 30053 }] };
    world.services.set('ns/dns', service('ns', 'dns', '10.96.0.10', udp));
    const dnsEndpoints = (ips: string[]): Endpoints => ({
      apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: 'ns', name: 'dns' },
      subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }],
    });
    world.eps.set('ns/dns', dnsEndpoints(['10.244.1.2', '10.244.1.3']));
    world.put('web', '10.96.0.2', ['10.244.1.4']);
    const forgotten: unknown[] = [];
    const s = newSyncer(new FakeNft(), world, { conntrack: { deleteUdpFlows: async (flows) => { forgotten.push(...flows); } } });
    await s.syncNow();
    expect(forgotten).toEqual([]);
    world.eps.set('ns/dns', dnsEndpoints(['10.244.1.3']));
    world.eps.set('ns/web', endpoints('ns', 'web', []));
    s.markChanged('ns/dns');
    s.markChanged('ns/web');
    await s.syncNow();
    expect(forgotten).toEqual([{ vip: '10.96.0.10', port: 53, endpoint: '10.244.1.2' }, { port: 30053, endpoint: '10.244.1.2' }]);
  });
});
