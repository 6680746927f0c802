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
import type { DiscoveryRequest } from './generated-types.js';
import { CLUSTER_TYPE, LISTENER_TYPE, RESOURCE_TYPES, ROUTE_TYPE, type ResourceType } from './protos.js';
import { asAny, type OutgoingResponse } from './response-codec.js';
import type { Snapshot, VersionedResource } from './snapshot-cache.js';
import type { SnapshotDiff } from './snapshot-diff.js';
import { isResourceType, isStateOfTheWorld, StreamBook, type PushTrigger, type StreamEvent, type TypeState } from './stream-state.js';

export class AdsStream extends StreamBook {
  constructor(private snapshot: Snapshot, onEvent?: (event: StreamEvent) => void, now?: () => number) {
    super(onEvent, now);
  }

  handleRequest(req: DiscoveryRequest): OutgoingResponse[] {
    this.node ??= req.node;
    if (!isResourceType(req.type_url)) return [];
    const type = req.type_url;
    if (req.response_nonce !== '' && req.response_nonce !== this.types.get(type)?.nonce) return [];
    const state = this.typeState(type);
    const unchanged = req.response_nonce !== '' && sameSubscription(state, req.resource_names);
    state.requested = req.resource_names;
    if (unchanged) {
      // The common ACK: the subscription is unchanged, and every change of it was pushed when it happened
      // (responses never wait for the previous ACK), so no response is due.
      this.answer(type, state, req.version_info, req.error_detail?.message);
      return [];
    }
    if (req.response_nonce === '') {
      state.sent.clear();
      state.wildcard = isStateOfTheWorld(type) && req.resource_names.length === 0;
    } else {
      this.answer(type, state, req.version_info, req.error_detail?.message);
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
  handleSnapshot(snapshot: Snapshot, diff?: SnapshotDiff): OutgoingResponse[] {
    const previousClusters = this.snapshot.resources[CLUSTER_TYPE];
    this.snapshot = snapshot;
    const touched = (type: ResourceType): TypeState | undefined => this.affected(type, diff);
    // Make-before-break for removals too: while listeners or routes change in this push, removed clusters stay
    // in the first CDS response (routes may still name them) and go in a second one after the LDS/RDS responses.
    const referencesMove = ([LISTENER_TYPE, ROUTE_TYPE] as const).some((type) => {
      const state = touched(type);
      return !!state && !!this.plan(type, state, false, undefined, diff?.get(type));
    });
    const out: OutgoingResponse[] = [];
    for (const type of RESOURCE_TYPES) {
      const state = touched(type);
      const response = state && this.respond(type, state, false, 'snapshot', type === CLUSTER_TYPE && referencesMove ? previousClusters : undefined, diff?.get(type));
      if (response) out.push(response);
    }
    const clusters = this.types.get(CLUSTER_TYPE);
    const removal = referencesMove && clusters && this.respond(CLUSTER_TYPE, clusters, false, 'snapshot');
    if (removal) out.push(removal);
    return out;
  }

  /**
   * The names a response of `type` would carry now, or undefined when none is due. `keep`: resources gone from
   * the snapshot that the client holds and should keep for one more response (see handleSnapshot). `changed`:
   * the names that changed since the stream's last snapshot (its diff); RDS/EDS then look only at those, since
   * the client holds the current version of every other subscribed resource.
   */
  private plan(type: ResourceType, state: TypeState, opening: boolean, keep?: ReadonlyMap<string, VersionedResource>, changedNames?: ReadonlySet<string>): { names: string[]; source: (n: string) => VersionedResource } | undefined {
    const available = this.snapshot.resources[type];
    const source = (n: string): VersionedResource => available.get(n) ?? keep!.get(n)!;
    const has = (n: string): boolean => available.has(n) || (!!keep?.has(n) && state.sent.has(n));
    const sotw = isStateOfTheWorld(type);
    if (!sotw && !opening && changedNames) {
      const changed = [...changedNames].filter((n) => (state.wildcard || state.names.has(n)) && available.has(n) && state.sent.get(n) !== available.get(n)!.hash);
      return changed.length > 0 ? { names: changed, source } : undefined;
    }
    const present = state.wildcard ? [...available.keys(), ...[...state.sent.keys()].filter((n) => !available.has(n) && has(n))] : [...state.names].filter(has);
    const changed = present.filter((n) => state.sent.get(n) !== source(n).hash);
    const removed = sotw && [...state.sent.keys()].some((n) => !has(n));
    if (changed.length === 0 && !removed && !(opening && (sotw || present.length > 0))) return undefined;
    // LDS/CDS responses carry every subscribed resource; RDS/EDS only what the client does not hold yet.
    return { names: sotw ? present : changed, source };
  }

  private respond(type: ResourceType, state: TypeState, opening: boolean, trigger: PushTrigger, keep?: ReadonlyMap<string, VersionedResource>, changedNames?: ReadonlySet<string>): OutgoingResponse | undefined {
    const available = this.snapshot.resources[type];
    for (const n of [...state.rejected.keys()]) if (!available.has(n) || !(state.wildcard || state.names.has(n))) state.rejected.delete(n);
    const plan = this.plan(type, state, opening, keep, changedNames);
    if (!plan) return undefined;
    const { names, source } = plan;
    if (isStateOfTheWorld(type)) state.sent.clear();
    for (const n of names) state.sent.set(n, source(n).hash);
    return {
      version_info: this.snapshot.version,
      type_url: type,
      nonce: this.sending(type, state, this.snapshot.version, names, trigger),
      resources: names.map((n) => asAny(type, source(n))),
    };
  }
}

/** Whether a request's names leave the subscription as it is: the same list as last time, or the same set (another order). */
function sameSubscription(state: TypeState, names: readonly string[]): boolean {
  const last = state.requested;
  if (last && last.length === names.length && last.every((n, i) => n === names[i])) return true;
  if (names.includes('*') && !state.wildcard) return false;
  const set = new Set(names);
  set.delete('*');
  return set.size === state.names.size && [...set].every((n) => state.names.has(n));
}
