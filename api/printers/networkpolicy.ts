/** NetworkPolicy columns, following kubectl's printNetworkPolicy. */
import type { ApiObject } from '../meta.js';
import type { NetworkPolicy } from '../types/network-policy.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn, formatLabelSelector } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Pod-Selector', 'string', 'Selects the pods to which this NetworkPolicy object applies.'),
  ageColumn,
];

function networkPolicyCells(obj: ApiObject, now: Date): Cell[] {
  const np = obj as NetworkPolicy;
  return [np.metadata.name ?? '', formatLabelSelector(np.spec?.podSelector), formatAge(np.metadata.creationTimestamp, now)];
}

export const networkPolicyPrinter: KindPrinter = { columns, cells: networkPolicyCells };
