import { describe, expect, it } from '@jest/globals';
import { formatIpv4 } from '../../api/ipv4.js';
import { cidrRange, formatRange, mergeRanges, rangeContains, subtractRanges } from './ipv4.js';

const r = (cidr: string) => cidrRange(cidr)!;

describe('IPv4 ranges', () => {
  it('reads CIDRs, ignoring host bits, and refuses anything else', () => {
    expect(r('10.0.0.7/24').map(formatIpv4)).toEqual(['10.0.0.0', '10.0.0.255']);
    expect(r('0.0.0.0/0').map(formatIpv4)).toEqual(['0.0.0.0', '255.255.255.255']);
    expect(cidrRange('fd00::/64')).toBeUndefined();
    expect(cidrRange('10.0.0.0/33')).toBeUndefined();
  });

  it('finds IPv4 addresses in ranges and nothing else', () => {
    const ranges = [r('10.0.0.0/24'), r('10.0.2.7/32')];
    expect(['10.0.0.255', '10.0.2.7', '10.0.1.0', '10.0.2.8', 'fd00::1', '10.0.0'].map((ip) => rangeContains(ranges, ip)))
      .toEqual([true, true, false, false, false, false]);
  });

  it('cuts excepts out of a block', () => {
    const out = subtractRanges(r('10.0.0.0/16'), [r('10.0.1.0/24'), r('10.0.0.0/24'), r('10.0.255.255/32')]);
    expect(out.map(formatRange)).toEqual(['10.0.2.0-10.0.255.254']);
    expect(subtractRanges(r('10.0.0.0/24'), [r('10.0.0.0/16')])).toEqual([]);
  });

  it('joins overlapping and adjacent ranges', () => {
    const out = mergeRanges([r('10.0.1.0/24'), r('10.0.0.0/24'), r('10.0.0.5/32'), r('10.0.3.0/24')]);
    expect(out.map(formatRange)).toEqual(['10.0.0.0-10.0.1.255', '10.0.3.0-10.0.3.255']);
  });
});
