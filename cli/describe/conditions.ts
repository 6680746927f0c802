/** The Type/Status/Reason conditions table of workload describers. */
import type { Condition } from '../../api/types/core.js';
import type { DescribeWriter } from './writer.js';

export function describeConditions(w: DescribeWriter, conditions: Condition[] | undefined): void {
  if (!conditions?.length) return;
  w.line(0, 'Conditions:');
  w.line(1, 'Type', 'Status', 'Reason');
  w.line(1, '----', '------', '------');
  for (const c of conditions) w.line(1, c.type, c.status, c.reason ?? '');
}
