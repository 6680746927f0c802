/**
 * Judging a node's liveness from its heartbeats, as kube's node lifecycle controller does: the Lease in
 * kube-node-lease (renewed every second by Cairn agents) and the Ready condition's lastHeartbeatTime. The time
 * of the last heartbeat seen is taken from the controller's own clock when it sees a change, so clock skew
 * between node and controller cannot make a node look alive or dead.
 */
import type { Lease } from '../../../api/types/apps.js';
import type { Condition, Node, Taint } from '../../../api/types/core.js';

export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
/** Conditions the agent owns; the controller sets them all Unknown when the agent goes quiet. */
export const AGENT_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;
export const REASON_STATUS_UNKNOWN = 'NodeStatusUnknown';
export const MESSAGE_STATUS_UNKNOWN = 'Kubelet stopped posting node status.';
export const REASON_NEVER_UPDATED = 'NodeStatusNeverUpdated';
export const MESSAGE_NEVER_UPDATED = 'Kubelet never posted node status.';

export type ReadyStatus = Condition['status'];

/** What the controller remembers of one node between passes. */
export interface ProbeState {
  /** Controller time (ms) of the last heartbeat seen, or of first sight. */
  probedAt: number;
  leaseRenewTime?: string;
  readyHeartbeat?: string;
}

export function readyCondition(node: Node): Condition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

export function readyStatus(node: Node): ReadyStatus {
  return readyCondition(node)?.status ?? 'Unknown';
}

/** The probe state after looking at `node` and its `lease` at `now`: a moved heartbeat resets the clock. */
export function observeHeartbeat(previous: ProbeState | undefined, node: Node, lease: Lease | undefined, now: number): ProbeState {
  const leaseRenewTime = lease?.spec?.renewTime;
  const readyHeartbeat = readyCondition(node)?.lastHeartbeatTime;
  if (!previous) return { probedAt: now, leaseRenewTime, readyHeartbeat };
  const renewed = leaseRenewTime !== undefined && leaseRenewTime !== previous.leaseRenewTime;
  const reported = readyHeartbeat !== undefined && readyHeartbeat !== previous.readyHeartbeat;
  return { probedAt: renewed || reported ? now : previous.probedAt, leaseRenewTime, readyHeartbeat };
}

/** How long a node may stay silent: the controller's grace period, or longer if its lease says it renews slowly. */
export function gracePeriodMs(graceMs: number, lease: Lease | undefined): number {
  return Math.max(graceMs, (lease?.spec?.leaseDurationSeconds ?? 0) * 1000);
}

/**
 * The conditions a silent node gets: every agent condition Unknown (added as NeverUpdated when the agent never
 * set it), transition time `now` for those that change. Undefined when nothing changes (already all Unknown).
 */
export function unknownConditions(current: readonly Condition[] | undefined, now: string): Condition[] | undefined {
  const conditions = [...(current ?? [])];
  let changed = false;
  for (const type of AGENT_CONDITIONS) {
    const i = conditions.findIndex((c) => c.type === type);
    if (i < 0) {
      conditions.push({ type, status: 'Unknown', reason: REASON_NEVER_UPDATED, message: MESSAGE_NEVER_UPDATED, lastHeartbeatTime: now, lastTransitionTime: now });
      changed = true;
    } else if (conditions[i]!.status !== 'Unknown') {
      conditions[i] = { ...conditions[i]!, status: 'Unknown', reason: REASON_STATUS_UNKNOWN, message: MESSAGE_STATUS_UNKNOWN, lastTransitionTime: now };
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}

/** The taint key (for NoSchedule at once, NoExecute at the eviction rate) a node with this Ready status should carry. */
export function wantedTaintKey(ready: ReadyStatus): string | undefined {
  if (ready === 'Unknown') return TAINT_UNREACHABLE;
  if (ready === 'False') return TAINT_NOT_READY;
  return undefined;
}

type Effect = Taint['effect'];

const isLifecycleTaint = (t: Taint, effect: Effect): boolean => t.effect === effect && (t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY);

/** The controller's taint of `effect` on `node` (unreachable or not-ready), if any. */
export function lifecycleTaint(node: Node, effect: Effect): string | undefined {
  return (node.spec?.taints ?? []).find((t) => isLifecycleTaint(t, effect))?.key;
}

/** `taints` with the controller's taint of `effect` set to `key` (removed when undefined); all others untouched. */
export function withLifecycleTaint(taints: readonly Taint[] | undefined, effect: Effect, key: string | undefined, now: string): Taint[] {
  const all = taints ?? [];
  const others = all.filter((t) => !isLifecycleTaint(t, effect));
  const kept = all.find((t) => t.key === key && t.effect === effect);
  return key ? [...others, kept ?? { key, effect, timeAdded: now }] : others;
}
