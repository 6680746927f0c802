/** kubectl describe replicaset. */
import type { ApiObject } from '../../api/meta.js';
import type { ReplicaSet } from '../../api/types/apps.js';
import type { Pod } from '../../api/types/core.js';
import { formatLabelSelector } from '../../api/printers/helpers.js';
import type { DescribeWriter } from './writer.js';
import { controllerOf } from './common.js';
import { describePodTemplate } from './container.js';
import { describeConditions } from './conditions.js';

/** "N Running / N Waiting / N Succeeded / N Failed" over the pods this ReplicaSet controls. */
function podsStatus(rs: ReplicaSet, pods: ApiObject[]): string {
  const counts = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 };
  for (const p of pods as Pod[]) {
    const owned = (p.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === rs.metadata.uid);
    const phase = p.status?.phase;
    if (owned && phase && phase in counts) counts[phase as keyof typeof counts]++;
  }
  return `${counts.Running} Running / ${counts.Pending} Waiting / ${counts.Succeeded} Succeeded / ${counts.Failed} Failed`;
}

export function describeReplicaSet(w: DescribeWriter, rs: ReplicaSet, pods: ApiObject[] | undefined): void {
  w.line(0, 'Selector:', formatLabelSelector(rs.spec?.selector));
  const owner = controllerOf(rs);
  if (owner) w.line(0, 'Controlled By:', owner);
  w.line(0, 'Replicas:', `${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired`);
  if (pods) w.line(0, 'Pods Status:', podsStatus(rs, pods));
  describePodTemplate(w, rs.spec?.template);
  describeConditions(w, rs.status?.conditions);
}
