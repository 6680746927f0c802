/**
 * The State-of-the-World protocol of one ADS stream, without I/O: requests and snapshots in, responses out.
 *
 * Per type URL it keeps the subscribed names, the nonce and content of the last response, the last ACKed
 * version and the last NACK. Contract:
 * - a request whose nonce is not the last one sent for its type is stale and ignored entirely (the client
 *   sends a fresh one after reading the newer response);
 * - the matching nonce with `error_detail` is a NACK: recorded, and the rejected content is not resent;
 *   without it, an ACK: its `version_info` is recorded;
 * - an empty nonce opens the subscription: the client holds nothing of that type, so it is answered in full
 *   (an empty LDS/CDS answer tells the client its names do not exist);
 * - a response is sent when a subscribed resource appears or changes, or (LDS/CDS) disappears; it carries every
 *   subscribed resource that exists, as LDS and CDS require;
 * - snapshot pushes go out CDS, EDS, LDS, RDS (make-before-break).
 */
import type { DiscoveryRequest, DiscoveryResponse } from './generated-types.js';
import { CLUSTER_TYPE, LISTENER_TYPE, RESOURCE_TYPES, type ResourceType } from './protos.js';
import type { Snapshot } from './snapshot-cache.js';

export interface Nack {
  version: string;
  message: string;
}

interface TypeState {
  names: Set<string>;
  /** LDS/CDS opened with no names (Envoy's style) or with `*`: every resource of the type. */
  wildcard: boolean;
  nonce: string;
  version: string;
  /** Name → hash of what the last response carried. */
  sent: Map<string, string>;
  ackedVersion?: string;
  nack?: Nack;
}

const isResourceType = (url: string): url is ResourceType => (RESOURCE_TYPES as readonly string[]).includes(url);
const isStateOfTheWorld = (type: ResourceType): boolean => type === LISTENER_TYPE || type === CLUSTER_TYPE;

export class AdsStream {
  /** The client's node, from its first request (later requests omit it). */
  node: DiscoveryRequest['node'] = null;
  private readonly types = new Map<ResourceType, TypeState>();
  private nonces = 0;

  constructor(private snapshot: Snapshot) {}

  handleRequest(req: DiscoveryRequest): DiscoveryResponse[] {
    this.node ??= req.node;
    if (!isResourceType(req.type_url)) return [];
    const type = req.type_url;
    const existing = this.types.get(type);
    if (req.response_nonce !== '' && req.response_nonce !== existing?.nonce) return [];
    const state: TypeState = existing ?? { names: new Set(), wildcard: false, nonce: '', version: '', sent: new Map() };
    this.types.set(type, state);
    if (req.response_nonce === '') {
      state.sent.clear();
      state.wildcard = isStateOfTheWorld(type) && req.resource_names.length === 0;
    } else if (req.error_detail) {
      state.nack = { version: state.version, message: req.error_detail.message };
    } else {
      state.ackedVersion = req.version_info;
      state.nack = undefined;
    }
    if (req.resource_names.includes('*')) state.wildcard = true;
    state.names = new Set(req.resource_names.filter((n) => n !== '*'));
    const response = this.respond(type, state, req.response_nonce === '');
    return response ? [response] : [];
  }

  /** A new snapshot: the responses (in make-before-break order) for the types whose subscribed content changed. */
  handleSnapshot(snapshot: Snapshot): DiscoveryResponse[] {
    this.snapshot = snapshot;
    const out: DiscoveryResponse[] = [];
    for (const type of RESOURCE_TYPES) {
      const state = this.types.get(type);
      const response = state && this.respond(type, state, false);
      if (response) out.push(response);
    }
    return out;
  }

  ackedVersion(typeUrl: string): string | undefined {
    return isResourceType(typeUrl) ? this.types.get(typeUrl)?.ackedVersion : undefined;
  }

  /** The last rejection of `typeUrl`, until a later version is ACKed. */
  lastNack(typeUrl: string): Nack | undefined {
    return isResourceType(typeUrl) ? this.types.get(typeUrl)?.nack : undefined;
  }

  private respond(type: ResourceType, state: TypeState, opening: boolean): DiscoveryResponse | undefined {
    const available = this.snapshot.resources[type];
    const names = state.wildcard ? [...available.keys()] : [...state.names].filter((n) => available.has(n));
    const sotw = isStateOfTheWorld(type);
    const changed = names.some((n) => state.sent.get(n) !== available.get(n)!.hash)
      || (sotw && [...state.sent.keys()].some((n) => (state.wildcard || state.names.has(n)) && !available.has(n)));
    if (!changed && !(opening && (sotw || names.length > 0))) return undefined;
    state.sent = new Map(names.map((n) => [n, available.get(n)!.hash]));
    state.nonce = String(++this.nonces);
    state.version = this.snapshot.version;
    return {
      version_info: this.snapshot.version,
      type_url: type,
      nonce: state.nonce,
      resources: names.map((n) => ({ '@type': type, ...available.get(n)!.body })),
    };
  }
}
