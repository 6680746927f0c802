/**
 * A lightweight ADS (State of the World) client that follows the protocol as a real proxy does, without I/O:
 * responses in, requests out. It opens LDS as a wildcard, then subscribes RDS, CDS and EDS by the names the
 * resources it holds refer to (listener → route config → clusters → load assignments), ACKs every response with
 * its version and nonce (every request carries the type's full name list, so an ACK also re-states the names if
 * a name change was sent with a nonce the server had already superseded), and answers with the node only once.
 *
 * Resources are decoded with @grpc/grpc-js-xds's own decoder (the real client's). Thousands of simulated
 * clients in one process receive identical bytes, so decodes are shared through a memo keyed by the bytes: the
 * benchmark should spend its CPU on the server, not on decoding the same listener 5,000 times.
 */
import { decodeSingleResource } from '@grpc/grpc-js-xds/build/src/resources.js';
import type { DiscoveryRequest } from '@grpc/grpc-js-xds/build/src/generated/envoy/service/discovery/v3/DiscoveryRequest.js';
import type { DiscoveryResponse__Output as DiscoveryResponse } from '@grpc/grpc-js-xds/build/src/generated/envoy/service/discovery/v3/DiscoveryResponse.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, HTTP_CONNECTION_MANAGER_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../control/xds-server/protos.js';

export type { DiscoveryRequest, DiscoveryResponse };

/** The chain a client walks: each type's resources name those of the next. */
const CHAIN = [LISTENER_TYPE, ROUTE_TYPE, CLUSTER_TYPE, ENDPOINT_TYPE] as const;
type ChainType = (typeof CHAIN)[number];

/** A decoded resource: its name, the names of the next type it refers to, and its JSON for content checks. */
export interface Decoded {
  name: string;
  refs: string[];
  json: () => string;
}

const memo = new Map<string, Decoded>();
const MEMO_LIMIT = 100_000;

function refsOf(type: ChainType, value: Buffer): { name: string; refs: string[]; body: object } {
  switch (type) {
    case LISTENER_TYPE: {
      const l = decodeSingleResource(LISTENER_TYPE, value);
      const api = l.api_listener?.api_listener;
      const hcm = api?.type_url === HTTP_CONNECTION_MANAGER_TYPE ? decodeSingleResource(HTTP_CONNECTION_MANAGER_TYPE, api.value) : undefined;
      return { name: l.name, refs: hcm?.rds ? [hcm.rds.route_config_name] : [], body: l };
    }
    case ROUTE_TYPE: {
      const r = decodeSingleResource(ROUTE_TYPE, value);
      const clusters = r.virtual_hosts.flatMap((vh) => vh.routes.flatMap((rt) => {
        if (rt.route?.cluster) return [rt.route.cluster];
        return rt.route?.weighted_clusters?.clusters.map((c) => c.name) ?? [];
      }));
      return { name: r.name, refs: [...new Set(clusters)], body: r };
    }
    case CLUSTER_TYPE: {
      const c = decodeSingleResource(CLUSTER_TYPE, value);
      return { name: c.name, refs: c.type === 'EDS' ? [c.eds_cluster_config?.service_name || c.name] : [], body: c };
    }
    case ENDPOINT_TYPE: {
      const e = decodeSingleResource(ENDPOINT_TYPE, value);
      return { name: e.cluster_name, refs: [], body: e };
    }
  }
}

export function decodeResource(type: ChainType, value: Buffer): Decoded {
  const key = type + value.toString('latin1');
  let d = memo.get(key);
  if (!d) {
    const { name, refs, body } = refsOf(type, value);
    let json: string | undefined;
    d = { name, refs, json: () => (json ??= JSON.stringify(body)) };
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, d);
  }
  return d;
}

interface TypeState {
  /** Subscribed names (unused for the LDS wildcard). */
  names: Set<string>;
  held: Map<string, Decoded>;
  version: string;
  nonce: string;
  responses: number;
}

/** What a benchmark waits for: the client holds `name` of `typeUrl`, its JSON contains `marker`, and nothing is pending. */
export interface Target {
  typeUrl: string;
  name: string;
  marker: string;
}

export class AdsClient {
  private readonly types = new Map<ChainType, TypeState>(CHAIN.map((t) => [t, { names: new Set(), held: new Map(), version: '', nonce: '', responses: 0 }]));
  private nodeSent = false;

  constructor(private readonly node: { id: string; cluster: string }) {}

  /** The opening request: LDS, wildcard. */
  start(): DiscoveryRequest[] {
    return [this.request(LISTENER_TYPE)];
  }

  /** One response: the ACK, then a request for each type whose names changed as a result. */
  handleResponse(res: DiscoveryResponse): DiscoveryRequest[] {
    const index = CHAIN.indexOf(res.type_url as ChainType);
    if (index < 0) return [];
    const type = CHAIN[index]!;
    const state = this.types.get(type)!;
    const decoded = res.resources.filter((r) => r.type_url === type).map((r) => decodeResource(type, r.value));
    // LDS and CDS responses carry the whole set (omitted = deleted); RDS and EDS may carry a part.
    if (type === LISTENER_TYPE || type === CLUSTER_TYPE) state.held.clear();
    for (const d of decoded) if (type === LISTENER_TYPE || state.names.has(d.name)) state.held.set(d.name, d);
    state.version = res.version_info;
    state.nonce = res.nonce;
    state.responses++;
    const out = [this.request(type)];
    for (let k = index; k < CHAIN.length - 1; k++) {
      const next = this.types.get(CHAIN[k + 1]!)!;
      const refs = new Set([...this.types.get(CHAIN[k]!)!.held.values()].flatMap((d) => d.refs));
      if (refs.size === next.names.size && [...refs].every((n) => next.names.has(n))) break;
      next.names = refs;
      for (const n of next.held.keys()) if (!refs.has(n)) next.held.delete(n);
      out.push(this.request(CHAIN[k + 1]!));
    }
    return out;
  }

  /** LDS answered, and every name subscribed of the other types is held. */
  complete(): boolean {
    if (this.types.get(LISTENER_TYPE)!.responses === 0) return false;
    return CHAIN.slice(1).every((t) => {
      const s = this.types.get(t)!;
      return s.held.size === s.names.size;
    });
  }

  /** The client holds `target`'s resource with its marker (the rest of its chain may still be on the way). */
  holds(target: Target): boolean {
    const held = this.types.get(target.typeUrl as ChainType)?.held.get(target.name);
    return held !== undefined && held.json().includes(target.marker);
  }

  /** `target` is in effect at this client. */
  reached(target: Target): boolean {
    return this.holds(target) && this.complete();
  }

  /** Resources held, by type URL (for a summary). */
  counts(): Record<string, number> {
    return Object.fromEntries(CHAIN.map((t) => [t.slice(t.lastIndexOf('.') + 1), this.types.get(t)!.held.size]));
  }

  private request(type: ChainType): DiscoveryRequest {
    const s = this.types.get(type)!;
    const req: DiscoveryRequest = {
      version_info: s.version,
      response_nonce: s.nonce,
      type_url: type,
      resource_names: type === LISTENER_TYPE ? [] : [...s.names],
    };
    if (!this.nodeSent) {
      req.node = { id: this.node.id, cluster: this.node.cluster, locality: {} };
      this.nodeSent = true;
    }
    return req;
  }
}
