/**
 * The DNS wire format, only as far as the cluster DNS needs it (RFC 1035): reading the header and the one
 * question of a query without allocating, and writing responses with name compression. Records are built
 * once per (name, type) and cached as bytes, so writing is off the per-query path.
 */

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export const CLASS_IN = 1;
export const HEADER_SIZE = 12;
/** Largest UDP reply without EDNS (RFC 1035 4.2.1); bigger answers go out truncated and the client retries over TCP. */
export const MAX_UDP_SIZE = 512;
const MAX_NAME_LENGTH = 255;

/** The question of a query, read in place. Reused between queries: valid until the next `readQuery`. */
export interface QueryView {
  id: number;
  opcode: number;
  /** Offset just past QTYPE/QCLASS: bytes [12, questionEnd) are the question as the client wrote it. */
  questionEnd: number;
  qtype: number;
  qclass: number;
  /** The question name lowercased in wire form followed by QTYPE: a cache key valid for this query only. */
  keyLength: number;
}

export function newQueryView(): QueryView {
  return { id: 0, opcode: 0, questionEnd: 0, qtype: 0, qclass: 0, keyLength: 0 };
}

/**
 * Reads the header and single question of `msg` into `view`, writing the lowercased name + QTYPE into `key`
 * (at least 257 bytes). Returns false for anything that is not a well-formed query with exactly one
 * uncompressed question: a response, a short or overlong packet, a label running past the end.
 */
export function readQuery(msg: Buffer, view: QueryView, key: Buffer): boolean {
  const len = msg.length;
  if (len < HEADER_SIZE + 5) return false;
  if ((msg[2]! & 0x80) !== 0) return false;
  if (msg[4] !== 0 || msg[5] !== 1) return false;
  let pos = HEADER_SIZE;
  let k = 0;
  for (;;) {
    const l = msg[pos]!;
    if (l === 0) break;
    if (l > 63) return false;
    if (pos + l + 1 >= len || k + l + 1 > MAX_NAME_LENGTH - 1) return false;
    key[k++] = l;
    for (let i = pos + 1, end = pos + 1 + l; i < end; i++) {
      const c = msg[i]!;
      key[k++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
    }
    pos += l + 1;
  }
  key[k++] = 0;
  pos += 1;
  if (pos + 4 > len) return false;
  view.id = (msg[0]! << 8) | msg[1]!;
  view.opcode = (msg[2]! >> 3) & 0x0f;
  view.qtype = (msg[pos]! << 8) | msg[pos + 1]!;
  view.qclass = (msg[pos + 2]! << 8) | msg[pos + 3]!;
  view.questionEnd = pos + 4;
  key[k++] = msg[pos]!;
  key[k++] = msg[pos + 1]!;
  view.keyLength = k;
  return true;
}

/** Labels of a lowercased wire-form name (as written by `readQuery` into the key). */
export function wireLabels(key: Buffer): string[] {
  const labels: string[] = [];
  let pos = 0;
  for (let l = key[0]!; l !== 0; l = key[pos]!) {
    labels.push(key.toString('latin1', pos + 1, pos + 1 + l));
    pos += l + 1;
  }
  return labels;
}

/**
 * Header flags of a response: QR, the opcode and RD of the request's third header byte echoed, RA set
 * (we forward), AA when the answer is ours.
 */
export function responseFlags(requestFlags: number, authoritative: boolean, truncated: boolean, rcode: number): number {
  const echoed = requestFlags & 0x79;
  return ((0x80 | echoed | (authoritative ? 0x04 : 0) | (truncated ? 0x02 : 0)) << 8) | 0x80 | rcode;
}

/** A header-only-plus-question reply (SERVFAIL, NOTIMP, REFUSED, ...) to a query that `readQuery` accepted. */
export function errorResponse(query: Buffer, questionEnd: number, rcode: number): Buffer {
  const out = Buffer.alloc(questionEnd);
  query.copy(out, 0, 0, questionEnd);
  out.writeUInt16BE(responseFlags(query[2]!, false, false, rcode), 2);
  out.writeUInt16BE(1, 4);
  out.fill(0, 6, HEADER_SIZE);
  return out;
}

export interface SrvData { priority: number; weight: number; port: number; target: string }
export interface SoaData { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }

/** A resource record to write; `name` undefined means the question's name (written as a pointer to it). */
export type ResourceRecord =
  | { name?: string; type: typeof TYPE.A; ttl: number; data: string }
  | { name?: string; type: typeof TYPE.PTR | typeof TYPE.CNAME; ttl: number; data: string }
  | { name?: string; type: typeof TYPE.SRV; ttl: number; data: SrvData }
  | { name?: string; type: typeof TYPE.SOA; ttl: number; data: SoaData };

/** Writes one message; names are compressed against every name written before (RFC 1035 4.1.4). */
export class MessageWriter {
  private buf = Buffer.alloc(4096);
  private pos = 0;
  private readonly offsets = new Map<string, number>();

  get length(): number {
    return this.pos;
  }

  u8(v: number): void { this.ensure(1); this.buf[this.pos++] = v; }
  u16(v: number): void { this.ensure(2); this.buf.writeUInt16BE(v, this.pos); this.pos += 2; }
  u32(v: number): void { this.ensure(4); this.buf.writeUInt32BE(v >>> 0, this.pos); this.pos += 4; }

  /** Writes a name given as labels, remembering each suffix so later names can point at it. */
  name(labels: readonly string[]): void {
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.');
      const at = this.offsets.get(suffix);
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.pos < 0x3fff) this.offsets.set(suffix, this.pos);
      const label = Buffer.from(labels[i]!, 'latin1');
      this.u8(label.length);
      this.ensure(label.length);
      label.copy(this.buf, this.pos);
      this.pos += label.length;
    }
    this.u8(0);
  }

  record(rr: ResourceRecord, questionLabels: readonly string[]): void {
    this.name(rr.name === undefined ? questionLabels : splitName(rr.name));
    this.u16(rr.type);
    this.u16(CLASS_IN);
    this.u32(rr.ttl);
    const lengthAt = this.pos;
    this.u16(0);
    switch (rr.type) {
      case TYPE.A:
        for (const octet of rr.data.split('.')) this.u8(Number(octet));
        break;
      case TYPE.PTR:
      case TYPE.CNAME:
        this.name(splitName(rr.data));
        break;
      case TYPE.SRV:
        this.u16(rr.data.priority);
        this.u16(rr.data.weight);
        this.u16(rr.data.port);
        this.name(splitName(rr.data.target));
        break;
      case TYPE.SOA:
        this.name(splitName(rr.data.mname));
        this.name(splitName(rr.data.rname));
        for (const v of [rr.data.serial, rr.data.refresh, rr.data.retry, rr.data.expire, rr.data.minimum]) this.u32(v);
        break;
    }
    this.buf.writeUInt16BE(this.pos - lengthAt - 2, lengthAt);
  }

  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger);
    this.buf = bigger;
  }
}

export function splitName(name: string): string[] {
  return name === '' || name === '.' ? [] : name.replace(/\.$/, '').split('.');
}
