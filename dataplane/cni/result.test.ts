import { describe, expect, it } from '@jest/globals';
import type { LinkInfo } from './links.js';
import { podAddressFrom, shapeAddResult } from './result.js';

const link = (ifname: string, address: string, mtu = 1400): LinkInfo => ({ ifname, ifindex: 1, mtu, address, flags: ['UP'] });
const outcome = {
  bridge: link('cairn0', '0a:58:0a:f4:01:01'), hostVeth: link('veth0123456789a', 'aa:aa:aa:aa:aa:aa'),
  pod: link('eth0', 'bb:bb:bb:bb:bb:bb'), netns: '/run/netns/pod', addressCidr: '10.244.1.7/24', gateway: '10.244.1.1',
};

describe('shapeAddResult', () => {
  it('lists bridge, host veth and sandboxed pod interface, and points the IP at the pod interface', () => {
    const result = shapeAddResult({ ...outcome, cniVersion: '1.1.0', dns: { nameservers: ['10.96.0.10'] } });
    expect(result).toEqual({
      cniVersion: '1.1.0',
      interfaces: [
        { name: 'cairn0', mac: '0a:58:0a:f4:01:01', mtu: 1400 },
        { name: 'veth0123456789a', mac: 'aa:aa:aa:aa:aa:aa', mtu: 1400 },
        { name: 'eth0', mac: 'bb:bb:bb:bb:bb:bb', mtu: 1400, sandbox: '/run/netns/pod' },
      ],
      ips: [{ address: '10.244.1.7/24', gateway: '10.244.1.1', interface: 2 }],
      routes: [{ dst: '0.0.0.0/0', gw: '10.244.1.1' }],
      dns: { nameservers: ['10.96.0.10'] },
    });
    expect(result.interfaces![result.ips![0]!.interface!]!.sandbox).toBe('/run/netns/pod');
  });

  it('keeps 1.0 results to 1.0 fields and omits empty dns', () => {
    const result = shapeAddResult({ ...outcome, cniVersion: '1.0.0', dns: {} });
    expect(result.interfaces!.every((i) => !('mtu' in i))).toBe(true);
    expect('dns' in result).toBe(false);
  });

  it('reads the pod address back for CHECK', () => {
    const result = shapeAddResult({ ...outcome, cniVersion: '1.0.0' });
    expect(podAddressFrom(result, 'eth0', '/run/netns/pod')).toBe('10.244.1.7/24');
    expect(podAddressFrom(result, 'eth1', '/run/netns/pod')).toBeUndefined();
    expect(podAddressFrom(result, 'eth0', '/run/netns/other')).toBeUndefined();
  });
});
