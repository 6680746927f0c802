/**
 * The `Accepted` condition and `rejectedBy` list of a mesh policy object, from what the connected proxies make
 * of its Service's resources. Pure: the writer compares the result with the stored status and writes only a
 * difference, so recomputing is free and a settled object is never rewritten.
 */
import type { MeshCondition, MeshPolicyStatus, MeshRejection } from '../../api/types/mesh.js';
import { sameJson } from '../registry/rest/object-meta.js';
import type { ServiceVerdict } from './proxy-registry.js';

/** At most this many rejecting nodes are listed; the condition message gives the total. */
export const MAX_REJECTIONS = 10;
/** Client error texts are cut to this length: they can list every bad field of every resource. */
export const MAX_MESSAGE = 1024;

const clip = (s: string): string => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s);

/** What an ACK of a kind's resources means for it: in effect, or only delivered (nothing enforces it yet). */
export interface AcceptedMeaning {
  reason: string;
  message: string;
}

export const IN_EFFECT: AcceptedMeaning = { reason: 'Accepted', message: 'in effect on every connected proxy that uses it' };
/**
 * MeshAuthorization: its RBAC filters sit on inbound listeners, which no Cairn proxy applies yet (the sidecar's
 * inbound side and mTLS identities come with issue 8) and gRPC clients never enforce; saying "in effect" would
 * tell a user a deny rule protects a service that anyone can still call.
 */
export const DELIVERED_NOT_ENFORCED: AcceptedMeaning = {
  reason: 'AcceptedNotEnforced',
  message: 'delivered to every connected proxy that uses its destination, but not enforced: no connected proxy applies inbound authorization yet',
};

/**
 * The status `current` should have, or undefined while proxies are still applying a change (nothing to say
 * yet). No verdict means every connected proxy that uses the Service has ACKed it (or none uses it).
 */
export function policyStatus(current: MeshPolicyStatus | undefined, verdict: ServiceVerdict | undefined, generation: number | undefined, now: Date,
  meaning: AcceptedMeaning = IN_EFFECT): MeshPolicyStatus | undefined {
  const rejections = verdict?.rejectedBy ?? [];
  if (rejections.length === 0 && verdict?.pending) return undefined;
  const old = current?.conditions?.find((c) => c.type === 'Accepted');
  const accepted: MeshCondition = rejections.length === 0
    ? { type: 'Accepted', status: 'True', reason: meaning.reason, message: meaning.message, lastTransitionTime: '' }
    : {
      type: 'Accepted', status: 'False', reason: 'Rejected',
      message: clip(`rejected by ${rejections.length} prox${rejections.length === 1 ? 'y' : 'ies'}; ${rejections[0]!.node}: ${rejections[0]!.message}`),
      lastTransitionTime: '',
    };
  accepted.lastTransitionTime = old?.status === accepted.status ? old.lastTransitionTime : now.toISOString();
  if (generation !== undefined) accepted.observedGeneration = generation;
  const rejectedBy: MeshRejection[] = rejections.slice(0, MAX_REJECTIONS).map((r) => {
    const message = clip(r.message);
    const before = current?.rejectedBy?.find((x) => x.node === r.node && x.message === message);
    return { node: r.node, message, lastTransitionTime: before?.lastTransitionTime ?? new Date(r.since).toISOString() };
  });
  const conditions = current?.conditions ?? [];
  const next: MeshPolicyStatus = { ...current, conditions: old ? conditions.map((c) => (c === old ? accepted : c)) : [...conditions, accepted] };
  if (rejectedBy.length > 0) next.rejectedBy = rejectedBy;
  else delete next.rejectedBy;
  return next;
}

/** Whether writing `next` over `current` would change the stored JSON. */
export function statusChanged(current: MeshPolicyStatus | undefined, next: MeshPolicyStatus): boolean {
  return !sameJson(current ?? {}, next);
}
