import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { parseResolvConf, podResolvConf, renderResolvConf } from './pod-dns.js';

const host = parseResolvConf('# the node\nnameserver 192.168.0.53\nsearch corp.example\noptions timeout:2 rotate\n');
const cluster = { nameserver: '10.96.0.10', domain: 'cluster.local' };

function pod(spec: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [], ...spec } };
}

const render = (p: Pod, settings: { nameserver?: string; domain: string } = cluster): string => renderResolvConf(podResolvConf(p, settings, host));

describe('pod resolv.conf', () => {
  it('ClusterFirst (the default) asks the cluster DNS with the namespace search path and ndots:5', () => {
    expect(render(pod())).toBe('nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  });

  it('Default, host-network ClusterFirst and a node without cluster DNS use the node\'s resolver', () => {
    const nodeConf = 'nameserver 192.168.0.53\nsearch corp.example\noptions timeout:2 rotate\n';
    expect(render(pod({ dnsPolicy: 'Default' }))).toBe(nodeConf);
    expect(render(pod({ hostNetwork: true }))).toBe(nodeConf);
    expect(render(pod(), { domain: 'cluster.local' })).toBe(nodeConf);
    expect(render(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }))).toContain('nameserver 10.96.0.10');
  });

  it('merges dnsConfig last: nameservers and searches appended, options overriding by name; None has only dnsConfig', () => {
    const dnsConfig = { nameservers: ['1.1.1.1'], searches: ['extra.example', 'svc.cluster.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] };
    expect(render(pod({ dnsConfig }))).toBe(
      'nameserver 10.96.0.10\nnameserver 1.1.1.1\nsearch shop.svc.cluster.local svc.cluster.local cluster.local extra.example\noptions ndots:2 edns0\n');
    expect(render(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['9.9.9.9'] } }))).toBe('nameserver 9.9.9.9\n');
  });

  it('keeps at most 3 nameservers, as glibc reads no more', () => {
    const conf = podResolvConf(pod({ dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'] } }), cluster, host);
    expect(conf.nameservers).toEqual(['10.96.0.10', '1.1.1.1', '2.2.2.2']);
  });
});
