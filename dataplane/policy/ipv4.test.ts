import { describe, expect, it } from '@jest/globals';
import { cidrRange, formatRange, ipv4ToNumber, mergeRanges, numberToIPv4, subtractRanges } from './ipv4.js';

const r = (cidr: string) => cidrRange(cidr)!;

describe('IPv4 ranges', () => {
  it('converts addresses both ways', () => {
    expect(numberToIPv4(ipv4ToNumber('255.1.0.9'))).toBe('255.1.0.9');
  });

  it('reads CIDRs, ignoring host bits, and refuses anything else', () => {
    expect(r('10.0.0.7/24').map(numberToIPv4)).toEqual(['10.0.0.0', '10.0.0.255']);
    expect(r('0.0.0.0/0').map(numberToIPv4)).toEqual(['0.0.0.0', '255.255.255.255']);
    expect(cidrRange('fd00::/64')).toBeUndefined();
    expect(cidrRange('10.0.0.0/33')).toBeUndefined();
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
