import { describe, expect, it } from '@jest/globals';
import { compileService, readyTargets } from './compile.js';
import { MAPS, MAX_BUCKET, skeletonRules } from './skeleton.js';
import { endpoints, service } from './testing/objects.js';
import { fragmentView, resolveNodePort, resolveVIP } from './testing/resolve.js';

const node = { clusterCIDR: '10.244.0.0/16' };
const web = (spec = {}) => service('ns', 'web', '10.96.0.5', spec);
const nodePortSpec = { type: 'NodePort' as const, ports: [{ name: 'http', port: 80, protocol: 'TCP' as const, nodePort: 30080 }] };

describe('compileService', () => {
  it('sends the VIP to every ready endpoint through the shared pick chain, without a chain of its own', () => {
    const f = compileService(web(), endpoints('ns', 'web', ['10.244.1.3', '10.244.1.2', '10.244.1.4']), node);
    expect(resolveVIP(fragmentView(f), '10.96.0.5', 'tcp', 80)).toEqual(['10.244.1.2:8080', '10.244.1.3:8080', '10.244.1.4:8080']);
    expect(f.elements.find((e) => e.map === MAPS.serviceIPs)?.value).toBe('goto pick-3');
    expect(f.chains.size).toBe(0);
  });

  it('picks at random among n slots and marks non-pod-CIDR sources in the shared chains', () => {
    const rules = skeletonRules(node).get('pick-3')!;
    expect(rules[0]).toBe('ip saddr != 10.244.0.0/16 jump mark-for-masquerade');
    expect(rules[1]).toBe('meta l4proto tcp dnat ip to ip daddr . tcp dport . numgen random mod 3 map @service-endpoints-tcp');
  });

  it('claims a hairpin pair for each endpoint so a pod reaching itself is masqueraded', () => {
    const f = compileService(web(), endpoints('ns', 'web', ['10.244.1.2', '10.244.1.3']), node);
    expect(f.elements.filter((e) => e.map === MAPS.hairpin).map((e) => e.key).sort()).toEqual(['10.244.1.2 . 10.244.1.2', '10.244.1.3 . 10.244.1.3']);
    expect(skeletonRules(node).get('masquerading')![0]).toBe('ct status dnat ip saddr . ip daddr @hairpin jump mark-for-masquerade');
  });

  it('rejects traffic to a service without ready endpoints', () => {
    const eps = endpoints('ns', 'web', []);
    eps.subsets = [{ notReadyAddresses: [{ ip: '10.244.1.2' }], ports: [{ name: 'http', port: 8080 }] }];
    const f = compileService(web(nodePortSpec), eps, node);
    expect(resolveVIP(fragmentView(f), '10.96.0.5', 'tcp', 80)).toBe('reject');
    expect(resolveNodePort(fragmentView(f), 'tcp', 30080)).toBe('reject');
    expect(f.chains.size).toBe(0);
  });

  it('sends a NodePort to the same endpoints as the VIP', () => {
    const f = compileService(web(nodePortSpec), endpoints('ns', 'web', ['10.244.1.2', '10.244.1.3']), node);
    expect(resolveNodePort(fragmentView(f), 'tcp', 30080)).toEqual(['10.244.1.2:8080', '10.244.1.3:8080']);
  });

  it('skips headless and ExternalName services', () => {
    const eps = endpoints('ns', 'h', ['10.244.1.2']);
    expect(compileService(service('ns', 'h', 'None'), eps, node).elements).toEqual([]);
    expect(compileService(service('ns', 'h', '', { type: 'ExternalName', externalName: 'db.example.com' }), eps, node).elements).toEqual([]);
  });

  it('keeps ClientIP affinity in a per-endpoint timed set that the service chain consults before choosing', () => {
    const f = compileService(web({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }), endpoints('ns', 'web', ['10.244.1.2', '10.244.1.3']), node);
    expect(resolveVIP(fragmentView(f), '10.96.0.5', 'tcp', 80)).toEqual(['10.244.1.2:8080', '10.244.1.3:8080']);
    expect(f.sets.size).toBe(2);
    const [set, decl] = [...f.sets][0]!;
    expect(decl).toContain('timeout 60s');
    expect(decl).toContain('dynamic');
    const rules = f.chains.get('svc-ns/web/tcp/http')!;
    const lookup = rules.findIndex((r) => r.startsWith(`ip saddr @${set} goto ep-`));
    const choose = rules.findIndex((r) => r.startsWith('numgen random mod 2 vmap'));
    expect(lookup).toBeGreaterThan(0);
    expect(lookup).toBeLessThan(choose);
    const ep = rules[lookup]!.split(' goto ')[1]!;
    expect(f.chains.get(ep)).toContain(`update @${set} { ip saddr }`);
    expect(rules[0]).toBe('ip saddr != 10.244.0.0/16 jump mark-for-masquerade');
  });

  it('defaults the affinity timeout to 10800 s', () => {
    const f = compileService(web({ sessionAffinity: 'ClientIP' }), endpoints('ns', 'web', ['10.244.1.2']), node);
    expect([...f.sets.values()][0]).toContain('timeout 10800s');
  });

  it('gives a service with more endpoints than the buckets hold its own chain', () => {
    const ips = Array.from({ length: MAX_BUCKET + 1 }, (_, i) => `10.244.${i >> 8}.${i & 255}`);
    const f = compileService(web(), endpoints('ns', 'web', ips), node);
    expect(resolveVIP(fragmentView(f), '10.96.0.5', 'tcp', 80)).toHaveLength(MAX_BUCKET + 1);
    expect(f.chains.get('svc-ns/web/tcp/http')!.at(-1)).toMatch(new RegExp(`^numgen random mod ${MAX_BUCKET + 1} vmap`));
  });

  it('restricts NodePorts to the node IPs when given', () => {
    expect(skeletonRules({ clusterCIDR: '10.244.0.0/16', nodeIPs: ['192.168.1.2'] }).get('services')![1]).toMatch(/^ip daddr \{ 192\.168\.1\.2 \}/);
    expect(skeletonRules(node).get('services')![1]).toMatch(/^fib daddr type local/);
  });
});

describe('readyTargets', () => {
  it('matches Endpoints ports to service ports by name and protocol', () => {
    const eps = endpoints('ns', 'web', ['10.244.1.2']);
    eps.subsets!.push({ addresses: [{ ip: '10.244.1.9' }], ports: [{ name: 'metrics', port: 9090 }] });
    eps.subsets!.push({ addresses: [{ ip: '10.244.1.8' }], ports: [{ name: 'http', port: 8080, protocol: 'UDP' }] });
    expect(readyTargets({ name: 'http', port: 80 }, eps)).toEqual([{ ip: '10.244.1.2', port: 8080 }]);
    expect(readyTargets({ name: 'metrics', port: 9000 }, eps)).toEqual([{ ip: '10.244.1.9', port: 9090 }]);
  });
});
