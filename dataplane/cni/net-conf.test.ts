import { describe, expect, it } from '@jest/globals';
import { formatIpv4 } from '../../api/ipv4.js';
import { parseNetConf } from './net-conf.js';
import { CniError, ErrorCode } from './spec.js';

const base = { cniVersion: '1.0.0', name: 'cairn', type: 'cairn-cni', ipam: { type: 'host-local', subnet: '10.244.1.0/24' } };

function rejection(input: string): CniError {
  try {
    parseNetConf(input);
  } catch (err) {
    return err as CniError;
  }
  throw new Error('expected a rejection');
}

describe('parseNetConf', () => {
  it('fills the defaults of a minimal config', () => {
    const conf = parseNetConf(JSON.stringify(base));
    expect(conf).toMatchObject({ bridge: 'cairn0', mtu: 1500, name: 'cairn' });
    expect(formatIpv4(conf.ipam.gateway)).toBe('10.244.1.1');
    expect(formatIpv4(conf.ipam.rangeStart)).toBe('10.244.1.1');
    expect(formatIpv4(conf.ipam.rangeEnd)).toBe('10.244.1.254');
    expect(conf.ipam.stateDir).toBe('/var/lib/cni/networks/cairn');
  });

  it('takes explicit range, gateway, dataDir, MTU and dns', () => {
    const conf = parseNetConf(JSON.stringify({
      ...base, mtu: 1400, bridge: 'br-x', dns: { nameservers: ['10.96.0.10'], search: ['svc.cluster.local'] },
      ipam: { ...base.ipam, gateway: '10.244.1.254', rangeStart: '10.244.1.10', rangeEnd: '10.244.1.20', dataDir: '/tmp/x' },
    }));
    expect(conf.mtu).toBe(1400);
    expect(formatIpv4(conf.ipam.gateway)).toBe('10.244.1.254');
    expect([formatIpv4(conf.ipam.rangeStart), formatIpv4(conf.ipam.rangeEnd)]).toEqual(['10.244.1.10', '10.244.1.20']);
    expect(conf.ipam.stateDir).toBe('/tmp/x/cairn');
    expect(conf.dns).toEqual({ nameservers: ['10.96.0.10'], search: ['svc.cluster.local'] });
  });

  it.each([
    ['not JSON', '{"cniVersion": ', ErrorCode.DecodeFailure, 'decode'],
    ['a JSON array', '[1]', ErrorCode.DecodeFailure, 'JSON object'],
    ['an unsupported version', JSON.stringify({ ...base, cniVersion: '0.3.1' }), ErrorCode.IncompatibleVersion, '1.0.0'],
  ])('rejects %s with code %d', (_what, input, code, text) => {
    const err = rejection(input);
    expect(err.code).toBe(code);
    expect(err.message).toContain(text);
  });

  const ipam = (extra: object) => ({ ...base, ipam: { ...base.ipam, ...extra } });
  it.each([
    [{ ...base, cniVersion: undefined }, 'cniVersion', 'add "cniVersion"'],
    [{ ...base, name: undefined }, 'name', 'add "name"'],
    [{ ...base, name: '-bad name' }, 'name', 'letters, digits'],
    [{ ...base, type: 7 }, 'type', 'string'],
    [{ ...base, bridge: 'a-very-long-bridge-name' }, 'bridge', '15 characters'],
    [{ ...base, mtu: 20 }, 'mtu', 'between 68 and 65535'],
    [{ ...base, mtu: '1500' }, 'mtu', 'integer'],
    [{ ...base, ipam: undefined }, 'ipam', '"host-local"'],
    [ipam({ type: 'dhcp' }), 'ipam.type', 'host-local'],
    [ipam({ subnet: undefined }), 'ipam.subnet', 'add "subnet"'],
    [ipam({ subnet: '10.244.1.0' }), 'ipam.subnet', 'a.b.c.d/n'],
    [ipam({ subnet: '10.244.1.7/24' }), 'ipam.subnet', 'use 10.244.1.0/24'],
    [ipam({ subnet: '10.244.1.0/31' }), 'ipam.subnet', '/30 or shorter'],
    [ipam({ gateway: '10.244.2.1' }), 'ipam.gateway', 'between 10.244.1.1 and 10.244.1.254'],
    [ipam({ gateway: '10.244.1.255' }), 'ipam.gateway', 'between'],
    [ipam({ rangeStart: '10.244.1.300' }), 'ipam.rangeStart', 'dotted quad'],
    [ipam({ rangeStart: '10.244.1.50', rangeEnd: '10.244.1.40' }), 'ipam.rangeStart', 'swap'],
    [ipam({ dataDir: 'relative/dir' }), 'ipam.dataDir', 'absolute'],
    [{ ...base, dns: { nameservers: ['not-an-ip'] } }, 'dns.nameservers', 'nameserver IPs'],
    [{ ...base, dns: { search: 'one' } }, 'dns.search', 'list'],
    [{ ...base, prevResult: [] }, 'prevResult', 'unmodified result'],
    [{ ...base, 'cni.dev/valid-attachments': [{ containerID: 'a' }] }, 'cni.dev/valid-attachments', 'containerID'],
  ])('rejects %j naming the field and the fix', (input, field, fix) => {
    const err = rejection(JSON.stringify(input));
    expect(err.code).toBe(ErrorCode.InvalidNetworkConfig);
    expect(err.msg).toContain(`"${field}"`);
    expect(err.details).toContain(fix);
  });

  it('ignores fields the runtime adds and reads prevResult and valid attachments', () => {
    const prevResult = { cniVersion: '1.0.0', ips: [{ address: '10.244.1.2/24', interface: 0 }], interfaces: [{ name: 'eth0' }] };
    const valid = [{ containerID: 'c1', ifname: 'eth0' }];
    const conf = parseNetConf(JSON.stringify({ ...base, runtimeConfig: { x: 1 }, args: {}, prevResult, 'cni.dev/valid-attachments': valid }));
    expect(conf.prevResult).toEqual(prevResult);
    expect(conf.validAttachments).toEqual(valid);
  });
});
