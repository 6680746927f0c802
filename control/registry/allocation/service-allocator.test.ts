import { describe, expect, it } from '@jest/globals';
import type { ApiError } from '../../../api/errors.js';
import type { Service } from '../../../api/types/core.js';
import type { CompanionWrite } from '../rest/object-allocator.js';
import { ClaimTaken, type EtcdStore } from '../storage/etcd-store.js';
import { ServiceAllocator } from './service-allocator.js';

/** etcd as the allocator sees it: a set of claimed keys; a claim of an existing key fails the whole write. */
class FakeKeys {
  readonly keys = new Set<string>();
  writes = 0;
  readonly write: CompanionWrite = async ({ claim = [], release = [] }) => {
    this.writes++;
    const taken = claim.find((c) => this.keys.has(c.key));
    if (taken) throw new ClaimTaken(taken.key);
    for (const c of claim) this.keys.add(c.key);
    for (const key of release) this.keys.delete(key);
    return this.writes;
  };

  /** The allocator reads the store only to reload its hint (AllocationPool.reload, when a range looks full). */
  readonly store = {
    range: async (prefix: string) => ({
      values: [...this.keys].filter((k) => k.startsWith(prefix)).map((key) => ({ key, value: Buffer.alloc(0), modRevision: 1, createRevision: 1 })),
      revision: 1,
      more: false,
    }),
  } as unknown as EtcdStore; // only range is called

  allocator(opts: ConstructorParameters<typeof ServiceAllocator>[1] = {}): ServiceAllocator {
    return new ServiceAllocator(this.store, opts);
  }
}

function svc(name: string, spec: Partial<Service['spec']> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', uid: name }, spec: { type: 'ClusterIP', ports: [{ port: 80 }], ...spec } };
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  return p.then(() => { throw new Error('expected a rejection'); }, (err: ApiError) => err);
}

describe('ServiceAllocator', () => {
  it('re-picks when another writer claimed the picked IP first', async () => {
    const etcd = new FakeKeys();
    const allocator = etcd.allocator({ serviceCIDR: '10.0.0.0/28' }); // 14 addresses, no static band
    for (let i = 1; i <= 13; i++) etcd.keys.add(allocator.ips.key(`10.0.0.${i}`)); // taken by another registry: this one's hint is empty
    const s = svc('a');
    await allocator.create(s, etcd.write);
    expect(s.spec.clusterIP).toBe('10.0.0.14');
    expect(s.spec.clusterIPs).toEqual(['10.0.0.14']);
  });

  it('fills node ports and families, and claims exactly what the service holds', async () => {
    const etcd = new FakeKeys();
    const allocator = etcd.allocator();
    const s = svc('np', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }, { port: 81, nodePort: 30001 }] });
    await allocator.create(s, etcd.write);
    const [a, b] = s.spec.ports!;
    expect(a!.nodePort).toBeGreaterThanOrEqual(30086); // above the static band
    expect(b!.nodePort).toBe(30001);
    expect(s.spec).toMatchObject({ ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    expect([...etcd.keys].sort()).toEqual([
      `/registry/allocations/serviceips/${s.spec.clusterIP!}`,
      ...[a!.nodePort, 30001, s.spec.healthCheckNodePort as number].map((p) => `/registry/allocations/servicenodeports/${p}`),
    ].sort());
  });

  it('answers 422 for a taken or out-of-range value and leaves the request unchanged', async () => {
    const etcd = new FakeKeys();
    const allocator = etcd.allocator();
    await allocator.create(svc('a', { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30010 }] }), etcd.write);
    const ipTaken = await rejection(allocator.create(svc('b', { clusterIP: '10.96.0.10' }), etcd.write));
    expect([ipTaken.code, ipTaken.message]).toEqual([422, 'Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated']);
    const portTaken = svc('c', { type: 'NodePort', ports: [{ port: 80 }, { name: 'x', port: 81, nodePort: 30010 }] });
    expect((await rejection(allocator.create(portTaken, etcd.write))).message).toMatch(/spec\.ports\[1\]\.nodePort: Invalid value: 30010: provided port is already allocated$/);
    expect(portTaken.spec.clusterIP).toBeUndefined();
    expect(portTaken.spec.ports![0]!.nodePort).toBeUndefined();
    expect((await rejection(allocator.create(svc('d', { clusterIP: '10.112.0.1' }), etcd.write))).message)
      .toMatch(/failed to allocate IP 10\.112\.0\.1: the provided IP \(10\.112\.0\.1\) is not in the valid range. The range of valid IPs is 10\.96\.0\.0\/12/);
    expect(etcd.keys.size).toBe(2);
  });

  it('refuses dual-stack requests on this single-stack cluster', async () => {
    const etcd = new FakeKeys();
    const err = await rejection(etcd.allocator().create(svc('v6', { ipFamilies: ['IPv6'], ipFamilyPolicy: 'RequireDualStack' }), etcd.write));
    expect(err.message).toContain('spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster');
    expect(err.message).toContain('spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services');
  });

  it('on update claims what is new and releases what is gone; on remove releases everything', async () => {
    const etcd = new FakeKeys();
    const allocator = etcd.allocator();
    const before = svc('u', { type: 'NodePort', clusterIP: '10.96.0.5', ports: [{ port: 80, nodePort: 30100 }] });
    await allocator.create(before, etcd.write);
    const after = structuredClone(before);
    after.spec.ports = [{ port: 80, nodePort: 30200 }];
    await allocator.update(after, before, etcd.write);
    expect([...etcd.keys].sort()).toEqual(['/registry/allocations/serviceips/10.96.0.5', '/registry/allocations/servicenodeports/30200']);
    await allocator.remove(after, etcd.write);
    expect(etcd.keys.size).toBe(0);
  });

  it('reports a full range as an internal error', async () => {
    const etcd = new FakeKeys();
    const allocator = etcd.allocator({ serviceCIDR: '10.0.0.0/30' }); // 2 addresses
    await allocator.create(svc('a'), etcd.write);
    await allocator.create(svc('b'), etcd.write);
    const err = await rejection(allocator.create(svc('c'), etcd.write));
    expect([err.code, err.message]).toEqual([500, 'Internal error occurred: failed to allocate a serviceIP: range is full']);
  });
});
