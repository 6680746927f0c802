/** The synchronous heart of a scheduling cycle: PreFilter, Filter (sampled), Score, pick a host. */
import type { CycleState } from './framework/cycle-state.js';
import { selectHost, type Framework } from './framework/framework.js';
import type { PodInfo } from './framework/pod-info.js';
import type { Snapshot } from './framework/snapshot.js';
import type { Status } from './framework/status.js';

export type CycleOutcome =
  | { host: string; feasible: number }
  | { host?: undefined; rejected: ReadonlyMap<string, Status>; preFilter?: Status };

export function findHost(fwk: Framework, snapshot: Snapshot, pod: PodInfo, state: CycleState): CycleOutcome {
  const pre = fwk.runPreFilter(state, pod, snapshot);
  if (pre.status) return { rejected: new Map(), preFilter: pre.status };
  const { feasible, rejected } = fwk.findFeasibleNodes(state, pod, snapshot, pre.nodeNames);
  if (feasible.length === 0) return { rejected };
  const host = feasible.length === 1 ? feasible[0]!.name : selectHost(fwk.runScore(state, pod, feasible))!;
  return { host, feasible: feasible.length };
}

/** Plugins that turned the pod down: the queue wakes it only on events these care about. */
export function rejectingPlugins(outcome: Exclude<CycleOutcome, { host: string }>): string[] {
  if (outcome.preFilter) return [outcome.preFilter.plugin];
  return [...new Set([...outcome.rejected.values()].map((s) => s.plugin))];
}
