/**
 * The incremental (Delta) protocol of one ADS stream, without I/O: DeltaDiscoveryRequests and snapshots in,
 * DeltaDiscoveryResponses out. Same bookkeeping as AdsStream (stream-state.ts); what differs:
 * - subscriptions are deltas (`resource_names_subscribe` / `_unsubscribe`, `*` for the wildcard; a first
 *   request naming nothing is a wildcard subscription) and apply whatever the nonce, since they are not
 *   repeated; only the (N)ACK part of a request with a stale nonce is ignored;
 * - a resource's version is its content hash; `initial_resource_versions` (on reconnect) tells what the client
 *   already holds, so only what differs is sent;
 * - a response carries only the new and changed resources, and names the removed ones in `removed_resources`;
 * - a NACK is recorded and the rejected versions are not resent until they change, as in SotW.
 */
import type { DeltaDiscoveryRequest__Output as DeltaDiscoveryRequest } from '@grpc/grpc-js-xds/build/src/generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, RESOURCE_TYPES, type ResourceType } from './protos.js';
import { asAny, type OutgoingDeltaResponse as DeltaDiscoveryResponse } from './response-codec.js';
import type { Snapshot } from './snapshot-cache.js';
import type { SnapshotDiff } from './snapshot-diff.js';
import { isResourceType, StreamBook, type PushTrigger, type StreamEvent, type TypeState } from './stream-state.js';

export type { DeltaDiscoveryRequest, DeltaDiscoveryResponse };

export class DeltaStream extends StreamBook {
  constructor(private snapshot: Snapshot, onEvent?: (event: StreamEvent) => void, now?: () => number) {
    super(onEvent, now);
  }

  handleRequest(req: DeltaDiscoveryRequest): DeltaDiscoveryResponse[] {
    this.node ??= req.node;
    if (!isResourceType(req.type_url)) return [];
    const type = req.type_url;
    const opening = !this.types.has(type);
    const state = this.typeState(type);
    if (req.response_nonce !== '' && req.response_nonce === state.nonce) this.answer(type, state, state.version, req.error_detail?.message);
    if (opening) {
      state.wildcard = req.resource_names_subscribe.length === 0;
      for (const [name, version] of Object.entries(req.initial_resource_versions ?? {})) state.sent.set(name, version);
    }
    for (const n of req.resource_names_subscribe) {
      if (n === '*') state.wildcard = true;
      else state.names.add(n);
    }
    for (const n of req.resource_names_unsubscribe) {
      if (n === '*') state.wildcard = false;
      else state.names.delete(n);
    }
    // The client forgets what it no longer subscribes to: a later subscription sends it again.
    if (!state.wildcard) for (const n of [...state.sent.keys()]) if (!state.names.has(n)) state.sent.delete(n);
    const response = this.respond(type, state, 'request');
    return response ? [response] : [];
  }

  /**
   * A new snapshot: the changes each type's subscribers must hear of. Make-before-break: new and changed
   * clusters and endpoints first, then listeners and routes, and only then the removal of clusters and endpoints
   * (a route still naming a removed cluster would fail its requests in between).
   */
  handleSnapshot(snapshot: Snapshot, diff?: SnapshotDiff): DeltaDiscoveryResponse[] {
    this.snapshot = snapshot;
    const out: DeltaDiscoveryResponse[] = [];
    const held: [ResourceType, TypeState][] = [];
    for (const type of RESOURCE_TYPES) {
      const state = this.affected(type, diff);
      if (!state) continue;
      const holdRemovals = type === CLUSTER_TYPE || type === ENDPOINT_TYPE;
      const response = this.respond(type, state, 'snapshot', holdRemovals ? 'updates' : 'all');
      if (response) out.push(response);
      if (holdRemovals) held.push([type, state]);
    }
    for (const [type, state] of held) {
      const response = this.respond(type, state, 'snapshot', 'removals');
      if (response) out.push(response);
    }
    return out;
  }

  private respond(type: ResourceType, state: TypeState, trigger: PushTrigger, part: 'all' | 'updates' | 'removals' = 'all'): DeltaDiscoveryResponse | undefined {
    const available = this.snapshot.resources[type];
    for (const n of [...state.rejected.keys()]) if (!available.has(n) || !(state.wildcard || state.names.has(n))) state.rejected.delete(n);
    const present = state.wildcard ? [...available.keys()] : [...state.names].filter((n) => available.has(n));
    const updated = part === 'removals' ? [] : present.filter((n) => state.sent.get(n) !== available.get(n)!.hash);
    const removed = part === 'updates' ? [] : [...state.sent.keys()].filter((n) => !available.has(n));
    if (updated.length === 0 && removed.length === 0) return undefined;
    for (const n of removed) state.sent.delete(n);
    for (const n of updated) state.sent.set(n, available.get(n)!.hash);
    return {
      system_version_info: this.snapshot.version,
      type_url: type,
      nonce: this.sending(type, state, this.snapshot.version, updated, trigger),
      resources: updated.map((n) => {
        const r = available.get(n)!;
        return { name: n, version: r.hash, resource: asAny(type, r) };
      }),
      removed_resources: removed,
    };
  }
}
