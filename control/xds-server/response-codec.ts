/**
 * Encode once: every resource version is packed into its `google.protobuf.Any` bytes the first time a stream
 * sends it, and those bytes are reused for every other stream; a (Delta)DiscoveryResponse is then written by
 * hand around them (a few strings and the pre-encoded repeated fields), instead of protobufjs converting and
 * encoding each resource object again per stream (most of the server's CPU at thousands of clients).
 *
 * The caches are keyed by object identity: a snapshot keeps a resource's VersionedResource while its content
 * hash is unchanged (snapshot-cache.ts), so one object (and one encoding) stands for one version, and both go
 * with the snapshots that hold it (WeakMap).
 */
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { loadProtosWithOptionsSync } from '@grpc/proto-loader/build/src/util.js';
import { aggregatedDiscoveryService, PROTO_FILES, xdsProtoDirs, type ResourceType } from './protos.js';
import type { DiscoveryRequest } from './generated-types.js';
import type { VersionedResource } from './snapshot-cache.js';

/** A resource as the JSON form of an Any: `{ '@type': url, ...fields }`. */
export type AnyJson = { '@type': string } & object;

/** The response fields the server sets; the encoders write exactly these. */
export interface OutgoingResponse {
  version_info: string;
  type_url: string;
  nonce: string;
  resources: object[];
}

export interface OutgoingDeltaResponse {
  system_version_info: string;
  type_url: string;
  nonce: string;
  resources: { name: string; version: string; resource: object }[];
  removed_resources: string[];
}

const packed = new WeakMap<VersionedResource, AnyJson>();

/** `r` as an Any of `type`, one shared object per resource version. */
export function asAny(type: ResourceType, r: VersionedResource): AnyJson {
  let any = packed.get(r);
  if (!any) packed.set(r, (any = { '@type': type, ...r.body }));
  return any;
}

interface AnyCodec { fromObject(o: object): object; encode(m: object): { finish(): Uint8Array } }
let anyType: AnyCodec | undefined;
const encoded = new WeakMap<object, Uint8Array>();

/** The Any message bytes of `any` (as built by asAny, or `{ type_url, value }`), encoded on first use. */
export function encodeAny(any: object): Uint8Array {
  let bytes = encoded.get(any);
  if (!bytes) {
    // The same loader and options as proto-loader (keepCase), so the bytes equal what grpc-js would serialize.
    anyType ??= loadProtosWithOptionsSync([...PROTO_FILES], { keepCase: true, includeDirs: xdsProtoDirs() }).lookupType('google.protobuf.Any');
    bytes = anyType.encode(anyType.fromObject(any)).finish();
    encoded.set(any, bytes);
  }
  return bytes;
}

/** A length-delimited field (wire type 2): field number and its bytes. */
type Field = [number, Uint8Array];

const varintSize = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);

function writeVarint(out: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[pos++] = n;
  return pos;
}

/** A message made only of length-delimited fields, in one allocation. */
function message(fields: Field[]): Buffer {
  let size = 0;
  for (const [no, bytes] of fields) size += varintSize((no << 3) | 2) + varintSize(bytes.length) + bytes.length;
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const [no, bytes] of fields) {
    pos = writeVarint(out, pos, (no << 3) | 2);
    pos = writeVarint(out, pos, bytes.length);
    out.set(bytes, pos);
    pos += bytes.length;
  }
  return out;
}

/** proto3 omits empty strings. */
const text = (fields: Field[], no: number, s: string): void => { if (s !== '') fields.push([no, Buffer.from(s)]); };

/** envoy.service.discovery.v3.DiscoveryResponse: version_info 1, resources 2, type_url 4, nonce 5. */
export function encodeDiscoveryResponse(res: OutgoingResponse): Buffer {
  const fields: Field[] = [];
  text(fields, 1, res.version_info);
  for (const r of res.resources) fields.push([2, encodeAny(r)]);
  text(fields, 4, res.type_url);
  text(fields, 5, res.nonce);
  return message(fields);
}

/**
 * envoy.service.discovery.v3.DeltaDiscoveryResponse: system_version_info 1, resources 2 (Resource: version 1,
 * resource 2, name 3), type_url 4, nonce 5, removed_resources 6.
 */
export function encodeDeltaDiscoveryResponse(res: OutgoingDeltaResponse): Buffer {
  const fields: Field[] = [];
  text(fields, 1, res.system_version_info);
  for (const r of res.resources) {
    const resource: Field[] = [];
    text(resource, 1, r.version);
    resource.push([2, encodeAny(r.resource)]);
    text(resource, 3, r.name);
    fields.push([2, message(resource)]);
  }
  text(fields, 4, res.type_url);
  text(fields, 5, res.nonce);
  for (const n of res.removed_resources) fields.push([6, Buffer.from(n)]);
  return message(fields);
}

/**
 * A DiscoveryRequest as the generated deserializer returns it (keepCase, defaults), read by hand in the common
 * case (an ACK or a subscription: strings only); a request carrying a node, an error or resource locators (the
 * first of a stream, NACKs) goes to `full`. An ACK of 100 names costs a few string slices instead of a
 * protobufjs decode and toObject.
 */
export function decodeDiscoveryRequest(buf: Buffer, full: (buf: Buffer) => DiscoveryRequest): DiscoveryRequest {
  const out: DiscoveryRequest = { version_info: '', node: null, resource_names: [], resource_locators: [], type_url: '', response_nonce: '', error_detail: null };
  let pos = 0;
  const varint = (): number => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= buf.length || shift > 28) return -1;
      const b = buf[pos++]!;
      n |= (b & 0x7f) << shift;
      if (b < 0x80) return n >>> 0;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    // Only length-delimited fields (wire type 2) are read here; anything else goes to the full decoder.
    if (tag < 0 || (tag & 7) !== 2) return full(buf);
    const size = varint();
    if (size < 0 || pos + size > buf.length) return full(buf);
    const value = buf.toString('utf8', pos, pos + size);
    pos += size;
    switch (tag >>> 3) {
      case 1: out.version_info = value; break;
      case 3: out.resource_names.push(value); break;
      case 4: out.type_url = value; break;
      case 5: out.response_nonce = value; break;
      default: return full(buf);
    }
  }
  return out;
}

/**
 * The ADS service for the server: the generated definition with the hand-written response serializers above,
 * and the hand-read DiscoveryRequest.
 */
export function adsServerDefinition(): ServiceDefinition {
  const base = aggregatedDiscoveryService();
  // MethodDefinition is generic over request/response; these two methods' messages are the shapes above.
  const sotw = base.StreamAggregatedResources as MethodDefinition<DiscoveryRequest, OutgoingResponse>;
  const delta = base.DeltaAggregatedResources as MethodDefinition<unknown, OutgoingDeltaResponse>;
  return {
    ...base,
    StreamAggregatedResources: { ...sotw, responseSerialize: encodeDiscoveryResponse, requestDeserialize: (buf) => decodeDiscoveryRequest(buf, sotw.requestDeserialize) },
    DeltaAggregatedResources: { ...delta, responseSerialize: encodeDeltaDiscoveryResponse },
  };
}
