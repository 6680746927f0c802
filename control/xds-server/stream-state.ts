/**
 * The per-type bookkeeping every xDS stream keeps, whatever its protocol variant (State of the World or Delta):
 * subscriptions, what the client holds, the last response's nonce and names, ACKs, NACKs and the resources the
 * client rejects; and the events the server's metrics and status writer consume.
 */
import type { DiscoveryRequest } from './generated-types.js';
import { CLUSTER_TYPE, LISTENER_TYPE, RESOURCE_TYPES, type ResourceType } from './protos.js';
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

export interface TypeState {
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
  /** SotW: the names of the client's last request, as sent (a request repeating them changes no subscription). */
  requested?: readonly string[];
}

const NOTHING: readonly string[] = [];

export const isResourceType = (url: string): url is ResourceType => (RESOURCE_TYPES as readonly string[]).includes(url);
export const isStateOfTheWorld = (type: ResourceType): boolean => type === LISTENER_TYPE || type === CLUSTER_TYPE;

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
  const named = names.filter((n) => mentions(message, n));
  return new Map((named.length > 0 ? named : names).map((n) => [n, message]));
}

/**
 * Characters resource names are made of (see naming.ts): a mention must not continue into more of them. A colon
 * followed by a space or the end is punctuation (`cluster X: error`), any other colon starts a port.
 */
const NAME_CHAR = '[A-Za-z0-9._:|=,/-]';
const NAME_CONTINUES = '[A-Za-z0-9._|=,/-]|:\\S';

/**
 * Whether `message` names `name` as a whole: `web.default.svc.cluster.local:80` is not mentioned by an error
 * about `myweb.…:80`, `…:8080`, `inbound|…:80` or the subset `…:80|version=v2`.
 */
function mentions(message: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<!${NAME_CHAR})${escaped}(?!${NAME_CONTINUES})`).test(message);
}

/** The bookkeeping shared by AdsStream and DeltaStream; subclasses decide what to send. */
export abstract class StreamBook {
  /** The client's node, from its first request (later requests omit it). */
  node: DiscoveryRequest['node'] = null;
  protected readonly types = new Map<ResourceType, TypeState>();
  private nonces = 0;

  constructor(protected readonly onEvent: (event: StreamEvent) => void = () => {}, protected readonly now: () => number = Date.now) {}

  /** The state of `type`, created empty on the client's first request for it. */
  protected typeState(type: ResourceType): TypeState {
    let state = this.types.get(type);
    if (!state) {
      state = { names: new Set(), wildcard: false, nonce: '', version: '', sent: new Map(), last: { names: [], trigger: 'request', answered: true }, rejected: new Map() };
      this.types.set(type, state);
    }
    return state;
  }

  /** The state of `type` if a snapshot change (`diff`; undefined: unknown, so any) may concern this client. */
  protected affected(type: ResourceType, diff: SnapshotDiff | undefined): TypeState | undefined {
    const state = this.types.get(type);
    if (!state || !diff) return state;
    const changed = diff.get(type);
    if (!changed || (!state.wildcard && ![...changed].some((n) => state.names.has(n) || state.sent.has(n)))) return undefined;
    return state;
  }

  /** The client answered the last response (its nonce matched): an ACK, or a NACK when `error` is set; repeats are ignored. */
  protected answer(type: ResourceType, state: TypeState, version: string, error: string | undefined): void {
    if (state.last.answered) return;
    state.last.answered = true;
    if (error !== undefined) this.recordNack(type, state, error);
    else this.recordAck(type, state, version);
  }

  /** Records a response about to go out and returns its nonce. */
  protected sending(type: ResourceType, state: TypeState, version: string, names: string[], trigger: PushTrigger): string {
    state.nonce = String(++this.nonces);
    state.version = version;
    state.last = { names, trigger, answered: false };
    this.onEvent({ kind: 'push', type, version, names, trigger });
    return state.nonce;
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
   * Per opened type with something outstanding, the names sent and not answered yet and the rejected ones,
   * without copies (the status writer reads them for every stream on every pass): valid until the stream
   * handles its next message.
   */
  outstanding(): { awaiting: readonly string[]; rejected: ReadonlyMap<string, string>; nackAt?: number }[] {
    const out: { awaiting: readonly string[]; rejected: ReadonlyMap<string, string>; nackAt?: number }[] = [];
    // Settled types (answered, nothing rejected: nearly all of them between pushes) are left out.
    for (const s of this.types.values()) if (!s.last.answered || s.rejected.size > 0) out.push({ awaiting: s.last.answered ? NOTHING : s.last.names, rejected: s.rejected, nackAt: s.nack?.at });
    return out;
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
}
