/**
 * Turns one query packet into its response. The hot path (a cached cluster name) reads the question in
 * place, looks the encoded response up, and copies it with the client's ID, RD bit and question casing:
 * one buffer allocated per query. Names outside the zone go to the forwarder, or get SERVFAIL at once.
 */
import { AnswerCache, hashKey, type CachedResponse } from './answer-cache.js';
import type { Forwarder } from './forwarder.js';
import type { DnsMetrics } from './metrics.js';
import { cidrContains, ipFromReverse, parseZoneName } from './names.js';
import { ipTag, type Answer, type ClusterRecords } from './records.js';
import {
  CLASS_IN, HEADER_SIZE, MAX_UDP_SIZE, MessageWriter, RCODE, TYPE, errorResponse, newQueryView, readQuery, responseFlags, splitName, wireLabels,
} from './wire.js';

export interface ResponderOptions {
  records: ClusterRecords;
  metrics: DnsMetrics;
  forwarder?: Forwarder;
  /** Reverse lookups of IPs in these CIDRs are ours (NXDOMAIN when unknown); others are forwarded. */
  reverseCidrs: string[];
  cache?: AnswerCache;
}

export class Responder {
  readonly cache: AnswerCache;
  private readonly view = newQueryView();
  /** Scratch for the lowercased question name + QTYPE of the query being answered. */
  private readonly key = Buffer.alloc(260);
  private readonly zone: string[];
  private readonly ours: ((ip: string) => boolean)[];

  constructor(private readonly opts: ResponderOptions) {
    this.cache = opts.cache ?? new AnswerCache();
    this.zone = splitName(opts.records.config.zone.toLowerCase());
    this.ours = opts.reverseCidrs.map(cidrContains);
  }

  /**
   * The response to `msg`, a promise of it when forwarded, or undefined when the packet is dropped as malformed.
   * `tcp` selects the untruncated form; `started` (performance.now()) is for the latency metric.
   */
  respond(msg: Buffer, tcp: boolean, started: number): Buffer | Promise<Buffer> | undefined {
    const view = this.view;
    if (!readQuery(msg, view, this.key)) {
      this.opts.metrics.droppedMalformed();
      return undefined;
    }
    if (view.opcode !== 0) return this.done(errorResponse(msg, view.questionEnd, RCODE.NOTIMP), view.qtype, started);
    if (view.qclass !== CLASS_IN) return this.done(errorResponse(msg, view.questionEnd, RCODE.REFUSED), view.qtype, started);
    const hash = hashKey(this.key, view.keyLength);
    const entry = this.cache.get(hash, this.key, view.keyLength) ?? this.fill(hash, view.keyLength, view.qtype);
    if (!entry) return this.forward(msg, view.questionEnd, view.qtype, started);
    const template = tcp ? entry.tcp : entry.udp;
    const out = Buffer.allocUnsafe(template.length);
    template.copy(out);
    out[0] = msg[0]!;
    out[1] = msg[1]!;
    out[2] = out[2]! | (msg[2]! & 0x01);
    msg.copy(out, HEADER_SIZE, HEADER_SIZE, view.questionEnd - 4);
    this.opts.metrics.answered(view.qtype, entry.rcode, (performance.now() - started) / 1000);
    return out;
  }

  /** Computes and caches the response for a name of ours; undefined when the name is someone else's. */
  private fill(hash: number, keyLength: number, qtype: number): CachedResponse | undefined {
    const labels = wireLabels(this.key);
    const { records } = this.opts;
    let answer: Answer | undefined;
    let authority = records.config.zone;
    const zoneName = parseZoneName(labels, this.zone);
    if (zoneName) {
      answer = records.lookup(zoneName, qtype);
    } else {
      const ip = ipFromReverse(labels);
      if (ip === undefined) return undefined;
      answer = records.lookupPtr(ip, qtype);
      if (!answer) {
        if (!this.ours.some((inCidr) => inCidr(ip))) return undefined;
        answer = { rcode: RCODE.NXDOMAIN, answers: [], additionals: [], tags: [ipTag(ip)] };
      }
      authority = 'in-addr.arpa';
    }
    const entry = encodeAnswer(labels, qtype, answer, authority, records);
    this.cache.set(hash, this.key, keyLength, entry, answer.tags);
    return entry;
  }

  private async forward(msg: Buffer, questionEnd: number, qtype: number, started: number): Promise<Buffer> {
    const reply = this.opts.forwarder
      ? await this.opts.forwarder.forward(msg, questionEnd)
      : errorResponse(msg, questionEnd, RCODE.SERVFAIL);
    return this.done(reply, qtype, started);
  }

  private done(reply: Buffer, qtype: number, started: number): Buffer {
    this.opts.metrics.answered(qtype, reply[3]! & 0x0f, (performance.now() - started) / 1000);
    return reply;
  }
}

/** Encodes an authoritative answer: SOA in authority when there are no answers (NXDOMAIN or NODATA, RFC 2308). */
function encodeAnswer(labels: string[], qtype: number, answer: Answer, authority: string, records: ClusterRecords): CachedResponse {
  const w = new MessageWriter();
  const negative = answer.answers.length === 0;
  w.u16(0);
  w.u16(responseFlags(0, true, false, answer.rcode));
  w.u16(1);
  w.u16(answer.answers.length);
  w.u16(negative ? 1 : 0);
  w.u16(answer.additionals.length);
  w.name(labels);
  w.u16(qtype);
  w.u16(CLASS_IN);
  const questionEnd = w.length;
  for (const rr of answer.answers) w.record(rr, labels);
  if (negative) w.record({ name: authority, type: TYPE.SOA, ttl: records.config.ttl, data: records.soa }, labels);
  for (const rr of answer.additionals) w.record(rr, labels);
  const tcp = w.bytes();
  if (tcp.length <= MAX_UDP_SIZE) return { tcp, udp: tcp, rcode: answer.rcode };
  const udp = Buffer.alloc(questionEnd);
  tcp.copy(udp, 0, 0, questionEnd);
  udp.writeUInt16BE(responseFlags(0, true, true, answer.rcode), 2);
  udp.fill(0, 6, 12);
  return { tcp, udp, rcode: answer.rcode };
}
