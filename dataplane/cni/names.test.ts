import { describe, expect, it } from '@jest/globals';
import { parseIpv4 } from '../../api/ipv4.js';
import { bridgeMac, hostVethName, interfaceNameProblem } from './names.js';

describe('names', () => {
  it('derives a stable host veth name of at most 15 characters per attachment', () => {
    const name = hostVethName('0123456789abcdef'.repeat(4), 'eth0');
    expect(name).toMatch(/^veth[0-9a-f]{11}$/);
    expect(interfaceNameProblem(name)).toBeUndefined();
    expect(hostVethName('0123456789abcdef'.repeat(4), 'eth0')).toBe(name);
    expect(hostVethName('0123456789abcdef'.repeat(4), 'eth1')).not.toBe(name);
    expect(hostVethName('a', 'beth0')).not.toBe(hostVethName('ab', 'eth0'));
  });

  it('gives the bridge a locally administered unicast MAC from the gateway', () => {
    expect(bridgeMac(parseIpv4('10.244.1.1')!)).toBe('0a:58:0a:f4:01:01');
  });

  it.each(['', '.', 'sixteen-chars-xx', 'a/b', 'a b'])('rejects interface name %j', (name) => {
    expect(interfaceNameProblem(name)).toBeDefined();
  });
});
