import { describe, expect, it } from '@jest/globals';
import { CidrSet } from './cidr-set.js';

describe('CidrSet', () => {
  it('hands out distinct subnets of the cluster range in order, then runs out', () => {
    const set = new CidrSet('10.244.0.0/22', 24);
    expect([1, 2, 3, 4, 5].map(() => set.allocateNext())).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24', '10.244.3.0/24', undefined]);
    expect(set.free).toBe(0);
  });

  it('skips occupied subnets and reuses released ones only after the rest', () => {
    const set = new CidrSet('10.244.0.0/16', 24);
    set.occupy('10.244.0.0/24');
    set.occupy('10.244.2.0/24');
    expect(set.allocateNext()).toBe('10.244.1.0/24');
    expect(set.allocateNext()).toBe('10.244.3.0/24');
    set.release('10.244.1.0/24');
    expect(set.allocateNext()).toBe('10.244.4.0/24');
    expect(set.free).toBe(256 - 4);
  });

  it('wraps around to a freed subnet once the end is reached', () => {
    const set = new CidrSet('192.168.0.0/30', 31);
    expect(set.allocateNext()).toBe('192.168.0.0/31');
    expect(set.allocateNext()).toBe('192.168.0.2/31');
    set.release('192.168.0.0/31');
    expect(set.allocateNext()).toBe('192.168.0.0/31');
  });

  it('occupies every subnet a larger range overlaps, and ignores ranges outside the cluster CIDR', () => {
    const set = new CidrSet('10.244.0.0/22', 24);
    set.occupy('10.244.0.0/23');
    set.occupy('10.245.0.0/24');
    set.occupy('not-a-cidr');
    expect(set.free).toBe(2);
    expect(set.allocateNext()).toBe('10.244.2.0/24');
  });

  it('occupying twice and releasing unknown ranges keep the count right', () => {
    const set = new CidrSet('10.0.0.0/8', 16);
    set.occupy('10.1.0.0/16');
    set.occupy('10.1.0.0/16');
    set.release('10.2.0.0/16');
    expect(set.free).toBe(255);
  });

  it('ignores host bits in the cluster CIDR and in occupied ranges', () => {
    const set = new CidrSet('10.244.3.7/22', 24);
    set.occupy('10.244.0.9/24');
    expect(set.allocateNext()).toBe('10.244.1.0/24');
  });

  it.each([
    ['10.244.0.0', 24, /not an IPv4 CIDR/],
    ['fd00::/64', 80, /not an IPv4 CIDR/],
    ['10.244.0.0/16', 8, /between the cluster prefix/],
    ['10.0.0.0/8', 30, /more than 2\^16/],
  ])('rejects cluster CIDR %s with mask %d', (cidr, mask, message) => {
    expect(() => new CidrSet(cidr, mask)).toThrow(message);
  });
});
