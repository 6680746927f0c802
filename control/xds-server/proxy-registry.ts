/**
 * The connected proxies: one entry per open ADS stream, read live from its stream (AdsStream or DeltaStream: node, subscriptions,
 * versions sent and ACKed, NACKs). Feeds the debug endpoint, the connected-proxies gauge and the policy status
 * writer, which asks which Services' resources each proxy is still applying or rejects.
 */
import { EventEmitter } from 'node:events';
import type { StreamBook, TypeStatus } from './stream-state.js';
import { parseResourceName } from './naming.js';
import { TYPE_LABELS } from './protos.js';

/** One proxy as the debug endpoint shows it. */
export interface ProxyInfo {
  node: string;
  cluster: string;
  metadata: unknown;
  connectedSince: string;
  /** By short type name (cds, eds, lds, rds). */
  types: Record<string, {
    subscribed: string[];
    lastSentVersion: string;
    lastSentNonce: string;
    lastAckedVersion: string | null;
    lastNack: { version: string; message: string; time: string } | null;
    rejected: Record<string, string>;
  }>;
}

export interface Rejection { node: string; message: string; since: number }

/** What the connected proxies make of one Service's resources. */
export interface ServiceVerdict {
  /** One entry per node that rejects one of the Service's resources (its first error). */
  rejectedBy: Rejection[];
  /** Some proxy has been sent a resource of the Service and not answered yet. */
  pending: boolean;
}

/** `namespace/name` of a Service, as the informers key it. */
export type ServiceKey = string;

export class ProxyRegistry extends EventEmitter<{ change: [] }> {
  private readonly streams = new Map<StreamBook, number>();

  add(stream: StreamBook, connectedAt = Date.now()): void {
    this.streams.set(stream, connectedAt);
    this.emit('change');
  }

  remove(stream: StreamBook): void {
    if (this.streams.delete(stream)) this.emit('change');
  }

  /** A stream's ACK, NACK or subscription changed. */
  changed(): void {
    this.emit('change');
  }

  /** Streams whose client has sent its node (a stream that never spoke is not yet a proxy). */
  get size(): number {
    return [...this.streams.keys()].filter((s) => s.node).length;
  }

  list(): ProxyInfo[] {
    return [...this.streams].filter(([s]) => s.node).map(([stream, since]) => ({
      node: stream.node!.id,
      cluster: stream.node!.cluster,
      metadata: stream.node!.metadata,
      connectedSince: new Date(since).toISOString(),
      types: Object.fromEntries([...stream.status()].map(([type, s]) => [TYPE_LABELS[type], describe(s)])),
    }));
  }

  /** Per Service with a resource some proxy rejects or has not answered yet; Services absent are settled. */
  verdicts(): Map<ServiceKey, ServiceVerdict> {
    const out = new Map<ServiceKey, ServiceVerdict>();
    const verdictOf = (key: ServiceKey): ServiceVerdict => {
      let v = out.get(key);
      if (!v) out.set(key, v = { rejectedBy: [], pending: false });
      return v;
    };
    const verdict = (resource: string): ServiceVerdict | undefined => {
      const key = serviceKey(resource);
      return key ? verdictOf(key) : undefined;
    };
    for (const stream of this.streams.keys()) {
      if (!stream.node) continue;
      const node = stream.node.id;
      for (const s of stream.outstanding()) {
        for (const key of awaitedServices(s.awaiting)) verdictOf(key).pending = true;
        for (const [name, message] of s.rejected) {
          const v = verdict(name);
          if (v && !v.rejectedBy.some((r) => r.node === node)) v.rejectedBy.push({ node, message, since: s.nackAt ?? Date.now() });
        }
      }
    }
    for (const v of out.values()) v.rejectedBy.sort((a, b) => a.node.localeCompare(b.node));
    return out;
  }
}

/**
 * The Service key of a resource name, memoized, and the Services of an awaited name list, once per list (a
 * stream's list stays the same object until its next response): verdicts() runs every status pass over every
 * stream, thousands of them each awaiting hundreds of names while a push is under way.
 */
const awaited = new WeakMap<readonly string[], ServiceKey[]>();

function awaitedServices(names: readonly string[]): readonly ServiceKey[] {
  if (names.length === 0) return names;
  let keys = awaited.get(names);
  if (!keys) {
    keys = [...new Set(names.map(serviceKey).filter((k): k is ServiceKey => k !== null))];
    awaited.set(names, keys);
  }
  return keys;
}

const serviceKeys = new Map<string, ServiceKey | null>();
const SERVICE_KEYS_KEPT = 100_000;

function serviceKey(resource: string): ServiceKey | null {
  let key = serviceKeys.get(resource);
  if (key === undefined) {
    const svc = parseResourceName(resource);
    key = svc ? `${svc.namespace}/${svc.name}` : null;
    if (serviceKeys.size >= SERVICE_KEYS_KEPT) serviceKeys.clear();
    serviceKeys.set(resource, key);
  }
  return key;
}

function describe(s: TypeStatus): ProxyInfo['types'][string] {
  return {
    subscribed: s.names,
    lastSentVersion: s.sentVersion,
    lastSentNonce: s.sentNonce,
    lastAckedVersion: s.ackedVersion ?? null,
    lastNack: s.nack ? { version: s.nack.version, message: s.nack.message, time: new Date(s.nack.at).toISOString() } : null,
    rejected: Object.fromEntries(s.rejected),
  };
}
