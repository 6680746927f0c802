/** The message an unschedulable pod carries, as kube-scheduler words it: counts of nodes per reason. */
import type { Status } from './status.js';

/**
 * `0/5000 nodes are available: 3120 Insufficient cpu, 1880 node(s) had untolerated taint {dedicated: gpu}.`
 * A node rejected for several reasons counts under each; reasons are ordered by their text.
 */
export function fitErrorMessage(numNodes: number, rejected: ReadonlyMap<string, Status>, preFilter?: Status): string {
  const head = `0/${numNodes} nodes are available`;
  if (preFilter) return `${head}: ${preFilter.message()}.`;
  return `${head}: ${reasonHistogram(rejected.values())}.`;
}

export function reasonHistogram(statuses: Iterable<Status>): string {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([r, n]) => `${n} ${r}`).join(', ');
}
