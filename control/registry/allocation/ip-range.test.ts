import { describe, expect, it } from '@jest/globals';
import { IPv4Range } from './ip-range.js';

describe('IPv4Range', () => {
  it('numbers the usable addresses of 10.96.0.0/12, leaving out network and broadcast', () => {
    const r = IPv4Range.parse('10.96.0.0/12');
    expect(r.size).toBe(2 ** 20 - 2);
    expect(r.at(0)).toBe('10.96.0.1');
    expect(r.at(r.size - 1)).toBe('10.111.255.254');
    expect(r.offsetOf('10.96.0.10')).toBe(9);
    expect(r.offsetOf('10.96.0.0')).toBeUndefined();
    expect(r.offsetOf('10.111.255.255')).toBeUndefined();
    expect(r.offsetOf('10.112.0.1')).toBeUndefined();
    expect(r.offsetOf('10.95.255.255')).toBeUndefined();
    expect(r.offsetOf('fd00::1')).toBeUndefined();
    expect(r.toString()).toBe('10.96.0.0/12');
  });

  it('keeps the first 256 addresses of a big range for explicit requests, like kube', () => {
    expect(IPv4Range.parse('10.96.0.0/12').staticBand).toBe(256);
    expect(IPv4Range.parse('10.0.0.0/24').staticBand).toBe(16);
    expect(IPv4Range.parse('10.0.0.0/28').staticBand).toBe(0);
  });

  it('masks the address to its network and maps offsets both ways', () => {
    const r = IPv4Range.parse('192.168.7.77/29');
    expect(r.toString()).toBe('192.168.7.72/29');
    expect(r.size).toBe(6);
    for (let o = 0; o < r.size; o++) expect(r.offsetOf(r.at(o))).toBe(o);
  });

  it.each(['10.96.0.0', '10.96.0.0/33', 'fd00::/108', '10.0.0.0/8', '10.0.0.0/31', 'ten/12'])('refuses %s', (cidr) => {
    expect(() => IPv4Range.parse(cidr)).toThrow(/service CIDR/);
  });
});
