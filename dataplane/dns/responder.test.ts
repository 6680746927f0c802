import { describe, expect, it } from '@jest/globals';
import { decode as decodePacket, encode, RECURSION_DESIRED, type DecodedPacket, type RecordType } from 'dns-packet';
import type { Endpoints, Service } from '../../api/types/core.js';
import { DnsMetrics } from './metrics.js';
import { ClusterRecords } from './records.js';
import { Responder } from './responder.js';

/** dns-packet decodes the rcode; its type definitions just leave it out. */
type Packet = DecodedPacket & { rcode: string };
const decode = (buf: Buffer): Packet => decodePacket(buf) as Packet;

const svc = (name: string, spec: Service['spec']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'prod' }, spec });
const eps = (name: string, subsets: Endpoints['subsets']): Endpoints => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'prod' }, subsets });

function setup(): { records: ClusterRecords; responder: Responder; metrics: DnsMetrics; query: (name: string, type: RecordType, tcp?: boolean) => Packet } {
  const records = new ClusterRecords({ zone: 'cluster.local', ttl: 5 });
  const metrics = new DnsMetrics();
  const responder = new Responder({ records, metrics, reverseCidrs: ['10.96.0.0/12', '10.244.0.0/16'] });
  const refresh = (tags: string[]): void => responder.cache.invalidate(tags);
  refresh(records.setService(svc('web', { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80 }, { name: 'dns', protocol: 'UDP', port: 53 }] })));
  refresh(records.setService(svc('db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] })));
  refresh(records.setEndpoints(eps('db', [{
    addresses: [{ ip: '10.244.1.5', hostname: 'db-0' }, { ip: '10.244.2.6' }],
    notReadyAddresses: [{ ip: '10.244.3.7' }],
    ports: [{ name: 'pg', port: 15432 }],
  }])));
  const query = (name: string, type: RecordType, tcp = false): Packet => {
    const out = responder.respond(encode({ type: 'query', id: 4242, flags: RECURSION_DESIRED, questions: [{ type, name }] }), tcp, performance.now());
    if (!(out instanceof Buffer)) throw new Error('expected a synchronous answer');
    return decode(out);
  };
  return { records, responder, metrics, query };
}

const data = (p: Packet, section: 'answers' | 'additionals' | 'authorities' = 'answers'): unknown[] =>
  (p[section] ?? []).map((r) => ('data' in r ? r.data : undefined));

describe('Responder', () => {
  it('answers a service A record authoritatively with the client ID, RD and question casing', () => {
    const { query } = setup();
    const p = query('Web.Prod.svc.cluster.local', 'A');
    expect(p.id).toBe(4242);
    expect(p.rcode).toBe('NOERROR');
    expect(p.flag_aa).toBe(true);
    expect(p.flag_rd).toBe(true);
    expect(p.questions?.[0]?.name).toBe('Web.Prod.svc.cluster.local');
    expect(p.answers).toEqual([expect.objectContaining({ name: 'Web.Prod.svc.cluster.local', type: 'A', ttl: 5, data: '10.96.0.20' })]);
  });

  it('answers headless services with one A per ready endpoint and endpoint names', () => {
    const { query } = setup();
    expect(data(query('db.prod.svc.cluster.local', 'A')).sort()).toEqual(['10.244.1.5', '10.244.2.6']);
    expect(data(query('db-0.db.prod.svc.cluster.local', 'A'))).toEqual(['10.244.1.5']);
    expect(data(query('10-244-2-6.db.prod.svc.cluster.local', 'A'))).toEqual(['10.244.2.6']);
    expect(query('10-244-3-7.db.prod.svc.cluster.local', 'A').rcode).toBe('NXDOMAIN');
  });

  it('answers SRV for named ports: the service, or each endpoint of a headless one, with A additionals', () => {
    const { query } = setup();
    const web = query('_http._tcp.web.prod.svc.cluster.local', 'SRV');
    expect(data(web)).toEqual([{ priority: 0, weight: 100, port: 80, target: 'web.prod.svc.cluster.local' }]);
    expect(data(web, 'additionals')).toEqual(['10.96.0.20']);
    expect(data(query('_dns._udp.web.prod.svc.cluster.local', 'SRV'))).toEqual([expect.objectContaining({ port: 53 })]);
    expect(query('_dns._tcp.web.prod.svc.cluster.local', 'SRV').rcode).toBe('NXDOMAIN');
    const db = query('_pg._tcp.db.prod.svc.cluster.local', 'SRV');
    expect(data(db).map((d) => (d as { target: string; port: number }).target).sort()).toEqual(['10-244-2-6.db.prod.svc.cluster.local', 'db-0.db.prod.svc.cluster.local']);
    expect(data(db).every((d) => (d as { port: number }).port === 15432)).toBe(true);
    expect(data(db, 'additionals').sort()).toEqual(['10.244.1.5', '10.244.2.6']);
  });

  it('answers PTR for ClusterIPs and endpoint IPs, and pod records', () => {
    const { query } = setup();
    expect(data(query('20.0.96.10.in-addr.arpa', 'PTR'))).toEqual(['web.prod.svc.cluster.local']);
    expect(data(query('5.1.244.10.in-addr.arpa', 'PTR'))).toEqual(['db-0.db.prod.svc.cluster.local']);
    expect(query('9.9.96.10.in-addr.arpa', 'PTR').rcode).toBe('NXDOMAIN');
    expect(data(query('10-244-7-8.prod.pod.cluster.local', 'A'))).toEqual(['10.244.7.8']);
  });

  it('gives NXDOMAIN for unknown names and NODATA for AAAA, both with the zone SOA in authority', () => {
    const { query } = setup();
    const nx = query('nope.prod.svc.cluster.local', 'A');
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.authorities).toEqual([expect.objectContaining({ name: 'cluster.local', type: 'SOA', data: expect.objectContaining({ minimum: 5 }) })]);
    const aaaa = query('web.prod.svc.cluster.local', 'AAAA');
    expect(aaaa.rcode).toBe('NOERROR');
    expect(aaaa.answers).toEqual([]);
    expect(aaaa.authorities).toHaveLength(1);
    expect(query('prod.svc.cluster.local', 'A').rcode).toBe('NOERROR');
    expect(query('empty.svc.cluster.local', 'A').rcode).toBe('NXDOMAIN');
  });

  it('answers SERVFAIL at once for names outside the zone when there is no upstream', async () => {
    const { responder } = setup();
    const out = responder.respond(encode({ type: 'query', id: 77, questions: [{ type: 'A', name: 'example.com' }] }), false, 0);
    const reply = decode(await out as Buffer);
    expect(reply.id).toBe(77);
    expect(reply.rcode).toBe('SERVFAIL');
    expect(reply.questions?.[0]?.name).toBe('example.com');
  });

  it('reflects record changes in the next answer (cached bytes are invalidated)', () => {
    const { records, responder, query } = setup();
    expect(data(query('db.prod.svc.cluster.local', 'A'))).toHaveLength(2);
    responder.cache.invalidate(records.setEndpoints(eps('db', [{ addresses: [{ ip: '10.244.9.9' }], ports: [{ name: 'pg', port: 15432 }] }])));
    expect(data(query('db.prod.svc.cluster.local', 'A'))).toEqual(['10.244.9.9']);
    expect(query('5.1.244.10.in-addr.arpa', 'PTR').rcode).toBe('NXDOMAIN');
    responder.cache.invalidate(records.deleteService(svc('web', {})));
    expect(query('web.prod.svc.cluster.local', 'A').rcode).toBe('NXDOMAIN');
    expect(query('20.0.96.10.in-addr.arpa', 'PTR').rcode).toBe('NXDOMAIN');
  });

  it('truncates answers too big for UDP and gives them whole over TCP', () => {
    const { records, responder, query } = setup();
    const addresses = Array.from({ length: 60 }, (_, i) => ({ ip: `10.244.5.${i + 1}` }));
    responder.cache.invalidate(records.setEndpoints(eps('db', [{ addresses, ports: [{ name: 'pg', port: 15432 }] }])));
    const udp = query('db.prod.svc.cluster.local', 'A');
    expect(udp.flag_tc).toBe(true);
    expect(udp.answers).toEqual([]);
    expect(query('db.prod.svc.cluster.local', 'A', true).answers).toHaveLength(60);
  });
});

describe('Responder with malformed input', () => {
  it('drops and counts anything that is not a well-formed query, and survives random bytes', () => {
    const { responder, metrics } = setup();
    const valid = encode({ type: 'query', id: 1, questions: [{ type: 'A', name: 'web.prod.svc.cluster.local' }] });
    const fixed = [Buffer.alloc(0), Buffer.alloc(11), valid.subarray(0, valid.length - 2), encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'x' }] })];
    for (const b of fixed) expect(responder.respond(b, false, 0)).toBeUndefined();
    expect(metrics.malformedCount).toBe(fixed.length);
    let seed = 7;
    const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    for (let i = 0; i < 20_000; i++) {
      const b = i % 2 ? Buffer.from(Array.from({ length: rand(600) }, () => rand(256))) : Buffer.from(valid);
      if (i % 2 === 0) for (let k = 0; k < 3; k++) b[rand(b.length)] = rand(256);
      const out = responder.respond(b, false, 0);
      if (out instanceof Buffer) expect(out.readUInt16BE(0)).toBe(b.readUInt16BE(0));
    }
    expect(metrics.malformedCount).toBeGreaterThan(fixed.length + 10_000);
    expect(responder.respond(valid, false, 0)).toBeInstanceOf(Buffer);
  });

  it('answers NOTIMP to other opcodes', () => {
    const { responder } = setup();
    const q = encode({ type: 'query', id: 9, questions: [{ type: 'A', name: 'web.prod.svc.cluster.local' }] });
    q[2] = q[2]! | (2 << 3); // STATUS
    expect(decode(responder.respond(q, false, 0) as Buffer).rcode).toBe('NOTIMP');
  });
});
