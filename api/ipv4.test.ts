import { describe, expect, it } from '@jest/globals';
import { cidrContains, formatIpv4, parseIpv4, parseIpv4Cidr } from './ipv4.js';

const cidr = (text: string) => parseIpv4Cidr(text)!;

describe('parseIpv4 / formatIpv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.244.1.1', 0x0af40101],
    ['192.168.0.255', 0xc0a800ff],
    ['255.255.255.255', 0xffffffff],
  ])('reads %s as an unsigned number and writes it back', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(formatIpv4(value)).toBe(text);
  });

  it.each([
    '', '1.2.3', '1.2.3.4.5', '1.2.3.', '.1.2.3', '256.0.0.1', '1.2.3.-4', '01.2.3.4', '1.2.3.00', ' 1.2.3.4', '1.2.3.4 ',
    '1.2.3.4\n', '+1.2.3.4', '1e1.2.3.4', '0x1.2.3.4', 'a.b.c.d', 'fd00::1', '1.2.3.4/32',
  ])('refuses %j', (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });
});

describe('parseIpv4Cidr', () => {
  it('gives the network and last address of the block, keeping the address as written', () => {
    expect(parseIpv4Cidr('10.244.3.7/16')).toEqual({ address: 0x0af40307, prefix: 16, first: 0x0af40000, last: 0x0af4ffff });
    expect(parseIpv4Cidr('10.96.0.0/12')).toEqual({ address: 0x0a600000, prefix: 12, first: 0x0a600000, last: 0x0a6fffff });
  });

  it('covers the edge prefixes', () => {
    expect(cidr('1.2.3.4/0')).toMatchObject({ first: 0, last: 0xffffffff });
    expect(cidr('1.2.3.4/32')).toMatchObject({ first: 0x01020304, last: 0x01020304 });
    expect(cidr('1.2.3.5/31')).toMatchObject({ first: 0x01020304, last: 0x01020305 });
    expect(cidr('10.0.0.0/08')).toMatchObject({ prefix: 8, last: 0x0affffff });
  });

  it.each([
    '10.0.0.0', '10.0.0.0/', '/24', '10.0.0.0/33', '10.0.0.0/100', '10.0.0.0/-1', '10.0.0.0/8/8', '10.0.0/8', '010.0.0.0/8',
    '10.0.0.0/ 8', 'fd00::/64',
  ])('refuses %j', (text) => {
    expect(parseIpv4Cidr(text)).toBeUndefined();
  });
});

describe('cidrContains', () => {
  it('holds exactly the addresses from the network to the last one', () => {
    const block = cidr('10.0.0.77/24');
    expect(['10.0.0.0', '10.0.0.77', '10.0.0.255'].map((ip) => cidrContains(block, parseIpv4(ip)!))).toEqual([true, true, true]);
    expect(['9.255.255.255', '10.0.1.0'].map((ip) => cidrContains(block, parseIpv4(ip)!))).toEqual([false, false]);
  });
});
