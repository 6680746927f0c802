import { describe, expect, it } from '@jest/globals';
import { cidrContains, ipFromDashed, ipFromReverse, parseZoneName, reverseName } from './names.js';

const zone = ['cluster', 'local'];
const parse = (name: string): ReturnType<typeof parseZoneName> => parseZoneName(name.split('.'), zone);

describe('parseZoneName', () => {
  it('classifies every name shape of the Kubernetes DNS spec', () => {
    expect(parse('cluster.local')).toEqual({ kind: 'apex' });
    expect(parse('svc.cluster.local')).toEqual({ kind: 'empty' });
    expect(parse('prod.svc.cluster.local')).toEqual({ kind: 'namespace', ns: 'prod' });
    expect(parse('web.prod.svc.cluster.local')).toEqual({ kind: 'service', ns: 'prod', svc: 'web' });
    expect(parse('web-0.web.prod.svc.cluster.local')).toEqual({ kind: 'endpoint', ns: 'prod', svc: 'web', host: 'web-0' });
    expect(parse('_tcp.web.prod.svc.cluster.local')).toEqual({ kind: 'proto', ns: 'prod', svc: 'web' });
    expect(parse('_http._tcp.web.prod.svc.cluster.local')).toEqual({ kind: 'port', ns: 'prod', svc: 'web', port: 'http', proto: 'tcp' });
    expect(parse('10-244-1-5.prod.pod.cluster.local')).toEqual({ kind: 'pod', ns: 'prod', ip: '10.244.1.5' });
  });

  it('calls malformed names under the zone nonexistent and leaves other zones alone', () => {
    expect(parse('a.b.web.prod.svc.cluster.local')).toEqual({ kind: 'nonexistent' });
    expect(parse('http._tcp.web.prod.svc.cluster.local')).toEqual({ kind: 'nonexistent' });
    expect(parse('10-244-1-300.prod.pod.cluster.local')).toEqual({ kind: 'nonexistent' });
    expect(parse('other.cluster.local')).toEqual({ kind: 'nonexistent' });
    expect(parse('example.com')).toBeUndefined();
    expect(parse('local')).toBeUndefined();
    expect(parse('web.prod.svc.cluster.localx')).toBeUndefined();
  });
});

describe('addresses in names', () => {
  it('reads dashed and reverse IPv4 forms strictly', () => {
    expect(ipFromDashed('10-0-0-1')).toBe('10.0.0.1');
    expect(ipFromDashed('10-0-0')).toBeUndefined();
    expect(ipFromDashed('10-0-0-01')).toBeUndefined();
    expect(ipFromReverse('5.1.244.10.in-addr.arpa'.split('.'))).toBe('10.244.1.5');
    expect(ipFromReverse('1.244.10.in-addr.arpa'.split('.'))).toBeUndefined();
    expect(reverseName('10.96.0.10')).toBe('10.0.96.10.in-addr.arpa');
  });

  it('matches CIDRs and rejects malformed ones', () => {
    const svc = cidrContains('10.96.0.0/12');
    expect(svc('10.96.0.10')).toBe(true);
    expect(svc('10.111.255.255')).toBe(true);
    expect(svc('10.112.0.0')).toBe(false);
    expect(cidrContains('0.0.0.0/0')('1.2.3.4')).toBe(true);
    expect(() => cidrContains('10.0.0.0/33')).toThrow(/invalid/);
  });
});
