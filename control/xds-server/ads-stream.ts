/**
 * The State-of-the-World protocol of one ADS stream, without I/O: requests and snapshots in, responses out.
 *
 * Per type URL it keeps the subscribed names, the nonce and content of the last response, the last ACKed
 * version, the last NACK and which resources the client currently rejects. Contract:
 * - a request whose nonce is not the last one sent for its type is stale and ignored entirely (the client
 *   sends a fresh one after reading the newer response);
 * - the matching nonce with `error_detail` is a NACK: recorded, and the rejected content is not resent (a later
 *   change of the resource is); the resources the message names by index are rejected, the rest of that response
 *   accepted (gRPC applies the valid ones); without `error_detail` it is an ACK of everything the response carried;
 * - an empty nonce opens the subscription: the client holds nothing of that type, so it is answered in full
 *   (an empty LDS/CDS answer tells the client its names do not exist);
 * - a response is sent when a subscribed resource appears or changes, or (LDS/CDS) disappears; an LDS/CDS response
 *   carries every subscribed resource that exists (omitted means deleted), an RDS/EDS one only the new and changed
 *   (so one endpoint change sends one ClusterLoadAssignment). An unsubscribed name is forgotten, so subscribing
 *   to it again sends it again;
 * - snapshot pushes go out CDS, EDS, LDS, RDS (make-before-break); clusters removed while listeners or routes
 *   change are removed by a last CDS response, after the routes that named them.
 */
import type { DiscoveryRequest, DiscoveryResponse } from './generated-types.js';
import { CLUSTER_TYPE, LISTENER_TYPE, RESOURCE_TYPES, ROUTE_TYPE, type ResourceType } from './protos.js';
import type { Snapshot, VersionedResource } from './snapshot-cache.js';
import type { SnapshotDiff } from './snapshot-diff.js';

export interface Nack {
  version: string;
  message: string;
  /** When the NACK arrived (ms since the epoch). */
  at: number;
}

/** Why a response went out: a request (subscription) or a new snapshot (a config change, for convergence). */
export type PushTrigger = 'request' | 'snapshot';

export type StreamEvent =
  | { kind: 'push'; type: ResourceType; version: string; names: string[]; trigger: PushTrigger }
  | { kind: 'ack'; type: ResourceType; version: string; names: string[]; trigger: PushTrigger }
  | { kind: 'nack'; type: ResourceType; version: string; message: string; rejected: ReadonlyMap<string, string> };

/** What one stream holds of one type, for the proxy registry and the status writer. */
export interface TypeStatus {
  /** Subscribed names; `*` stands for every resource of the type. */
  names: string[];
  sentVersion: string;
  sentNonce: string;
  ackedVersion?: string;
  nack?: Nack;
  /** Resource name → the client's error, for the resources it currently rejects. */
  rejected: ReadonlyMap<string, string>;
  /** The names of the last response while the client has not answered it. */
  awaiting: string[];
}

interface TypeState {
  names: Set<string>;
  /** LDS/CDS opened with no names (Envoy's style) or with `*`: every resource of the type. */
  wildcard: boolean;
  nonce: string;
  version: string;
  /** Name → hash of what the last response carried. */
  sent: Map<string, string>;
  /** The last response's resource names in order (NACKs name resources by index) and why it went out. */
  last: { names: string[]; trigger: PushTrigger; answered: boolean };
  ackedVersion?: string;
  nack?: Nack;
  rejected: Map<string, string>;
}

const isResourceType = (url: string): url is ResourceType => (RESOURCE_TYPES as readonly string[]).includes(url);
const isStateOfTheWorld = (type: ResourceType): boolean => type === LISTENER_TYPE || type === CLUSTER_TYPE;

/**
 * The resources a NACK rejects, each with its own error. gRPC writes `resource index <i>: <error>` per bad
 * resource; other clients (Envoy) name the resources in free text; failing both, the whole response is rejected.
 */
export function rejectedResources(message: string, names: readonly string[]): Map<string, string> {
  const byIndex = [...message.matchAll(/resource index (\d+): /g)];
  if (byIndex.length > 0) {
    const out = new Map<string, string>();
    byIndex.forEach((m, i) => {
      const name = names[Number(m[1])];
      const next = byIndex[i + 1];
      // Errors are joined with '; ' inside one '[...]'.
      const text = next ? message.slice(m.index + m[0].length, next.index).replace(/; $/, '') : message.slice(m.index + m[0].length).replace(/\]$/, '');
      if (name !== undefined) out.set(name, text);
    });
    if (out.size > 0) return out;
  }
  const named = names.filter((n) => message.includes(n));
  return new Map((named.length > 0 ? named : names).map((n) => [n, message]));
}

export class AdsStream {
  /** The client's node, from its first request (later requests omit it). */
  node: DiscoveryRequest['node'] = null;
  private readonly types = new Map<ResourceType, TypeState>();
  private nonces = 0;

  constructor(
    private snapshot: Snapshot,
    private readonly onEvent: (event: StreamEvent) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  handleRequest(req: DiscoveryRequest): DiscoveryResponse[] {
    this.node ??= req.node;
    if (!isResourceType(req.type_url)) return [];
    const type = req.type_url;
    const existing = this.types.get(type);
    if (req.response_nonce !== '' && req.response_nonce !== existing?.nonce) return [];
    const state: TypeState = existing ?? {
      names: new Set(), wildcard: false, nonce: '', version: '', sent: new Map(), last: { names: [], trigger: 'request', answered: true }, rejected: new Map(),
    };
    this.types.set(type, state);
    if (req.response_nonce === '') {
      state.sent.clear();
      state.wildcard = isStateOfTheWorld(type) && req.resource_names.length === 0;
    } else if (!state.last.answered) {
      state.last.answered = true;
      if (req.error_detail) this.recordNack(type, state, req.error_detail.message);
      else this.recordAck(type, state, req.version_info);
    }
    if (req.resource_names.includes('*')) state.wildcard = true;
    state.names = new Set(req.resource_names.filter((n) => n !== '*'));
    if (!state.wildcard) {
      // The client dropped these: it forgets them, so a later subscription must send them again.
      for (const n of [...state.sent.keys()]) if (!state.names.has(n)) state.sent.delete(n);
    }
    const response = this.respond(type, state, req.response_nonce === '', 'request');
    return response ? [response] : [];
  }

  /**
   * A new snapshot: the responses (in make-before-break order) for the types whose subscribed content changed.
   * `diff` (the names that changed since the previous snapshot, see snapshotDiff) lets uninterested types be
   * skipped without looking at every subscription; without it every subscribed resource is compared.
   */
  handleSnapshot(snapshot: Snapshot, diff?: SnapshotDiff): DiscoveryResponse[] {
    const previousClusters = this.snapshot.resources[CLUSTER_TYPE];
    this.snapshot = snapshot;
    const touched = (type: ResourceType): TypeState | undefined => {
      const state = this.types.get(type);
      const changed = diff ? diff.get(type) : undefined;
      if (!state || (diff && !changed)) return undefined;
      if (changed && !state.wildcard && ![...changed].some((n) => state.names.has(n) || state.sent.has(n))) return undefined;
      return state;
    };
    // Make-before-break for removals too: while listeners or routes change in this push, removed clusters stay
    // in the first CDS response (routes may still name them) and go in a second one after the LDS/RDS responses.
    const referencesMove = ([LISTENER_TYPE, ROUTE_TYPE] as const).some((type) => {
      const state = touched(type);
      return !!state && !!this.plan(type, state, false);
    });
    const out: DiscoveryResponse[] = [];
    for (const type of RESOURCE_TYPES) {
      const state = touched(type);
      const response = state && this.respond(type, state, false, 'snapshot', type === CLUSTER_TYPE && referencesMove ? previousClusters : undefined);
      if (response) out.push(response);
    }
    const clusters = this.types.get(CLUSTER_TYPE);
    const removal = referencesMove && clusters && this.respond(CLUSTER_TYPE, clusters, false, 'snapshot');
    if (removal) out.push(removal);
    return out;
  }

  ackedVersion(typeUrl: string): string | undefined {
    return isResourceType(typeUrl) ? this.types.get(typeUrl)?.ackedVersion : undefined;
  }

  /** The last rejection of `typeUrl`, until a later version is ACKed. */
  lastNack(typeUrl: string): Nack | undefined {
    return isResourceType(typeUrl) ? this.types.get(typeUrl)?.nack : undefined;
  }

  /** The state of every type the client opened. */
  status(): Map<ResourceType, TypeStatus> {
    return new Map([...this.types].map(([type, s]) => [type, {
      names: s.wildcard ? ['*', ...s.names] : [...s.names],
      sentVersion: s.version,
      sentNonce: s.nonce,
      ackedVersion: s.ackedVersion,
      nack: s.nack,
      rejected: new Map(s.rejected),
      awaiting: s.last.answered ? [] : [...s.last.names],
    }]));
  }

  /**
   * Per opened type, the names sent and not answered yet and the rejected ones, without copies (the status
   * writer reads them for every stream on every pass): valid until the stream handles its next message.
   */
  *outstanding(): Iterable<{ awaiting: readonly string[]; rejected: ReadonlyMap<string, string>; nackAt?: number }> {
    for (const s of this.types.values()) yield { awaiting: s.last.answered ? [] : s.last.names, rejected: s.rejected, nackAt: s.nack?.at };
  }

  /** Whether the client subscribes to `name` of `type` (by name or by wildcard). */
  subscribes(type: ResourceType, name: string): boolean {
    const state = this.types.get(type);
    return !!state && (state.wildcard || state.names.has(name));
  }

  private recordAck(type: ResourceType, state: TypeState, version: string): void {
    state.ackedVersion = version;
    state.nack = undefined;
    for (const n of state.last.names) state.rejected.delete(n);
    this.onEvent({ kind: 'ack', type, version, names: state.last.names, trigger: state.last.trigger });
  }

  private recordNack(type: ResourceType, state: TypeState, message: string): void {
    state.nack = { version: state.version, message, at: this.now() };
    const rejected = rejectedResources(message, state.last.names);
    for (const n of state.last.names) {
      const error = rejected.get(n);
      if (error === undefined) state.rejected.delete(n);
      else state.rejected.set(n, error);
    }
    this.onEvent({ kind: 'nack', type, version: state.version, message, rejected });
  }

  /**
   * The names a response of `type` would carry now, or undefined when none is due. `keep`: resources gone from
   * the snapshot that the client holds and should keep for one more response (see handleSnapshot).
   */
  private plan(type: ResourceType, state: TypeState, opening: boolean, keep?: ReadonlyMap<string, VersionedResource>): { names: string[]; source: (n: string) => VersionedResource } | undefined {
    const available = this.snapshot.resources[type];
    const source = (n: string): VersionedResource => available.get(n) ?? keep!.get(n)!;
    const has = (n: string): boolean => available.has(n) || (!!keep?.has(n) && state.sent.has(n));
    const present = state.wildcard ? [...available.keys(), ...[...state.sent.keys()].filter((n) => !available.has(n) && has(n))] : [...state.names].filter(has);
    const sotw = isStateOfTheWorld(type);
    const changed = present.filter((n) => state.sent.get(n) !== source(n).hash);
    const removed = sotw && [...state.sent.keys()].some((n) => !has(n));
    if (changed.length === 0 && !removed && !(opening && (sotw || present.length > 0))) return undefined;
    // LDS/CDS responses carry every subscribed resource; RDS/EDS only what the client does not hold yet.
    return { names: sotw ? present : changed, source };
  }

  private respond(type: ResourceType, state: TypeState, opening: boolean, trigger: PushTrigger, keep?: ReadonlyMap<string, VersionedResource>): DiscoveryResponse | undefined {
    const available = this.snapshot.resources[type];
    for (const n of [...state.rejected.keys()]) if (!available.has(n) || !(state.wildcard || state.names.has(n))) state.rejected.delete(n);
    const plan = this.plan(type, state, opening, keep);
    if (!plan) return undefined;
    const { names, source } = plan;
    if (isStateOfTheWorld(type)) state.sent.clear();
    for (const n of names) state.sent.set(n, source(n).hash);
    state.nonce = String(++this.nonces);
    state.version = this.snapshot.version;
    state.last = { names, trigger, answered: false };
    this.onEvent({ kind: 'push', type, version: state.version, names, trigger });
    return {
      version_info: this.snapshot.version,
      type_url: type,
      nonce: state.nonce,
      resources: names.map((n) => ({ '@type': type, ...source(n).body })),
    };
  }
}
