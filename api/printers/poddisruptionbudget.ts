/** PodDisruptionBudget columns, as kubectl shows them. */
import type { ApiObject } from '../meta.js';
import type { PodDisruptionBudget } from '../types/policy.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Min Available', 'string', 'The minimum number of pods that must be available.'),
  column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
  column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
  ageColumn,
];

const orNA = (v: number | string | undefined): string => (v === undefined || v === null ? 'N/A' : String(v));

function pdbCells(obj: ApiObject, now: Date): Cell[] {
  const pdb = obj as PodDisruptionBudget;
  return [
    pdb.metadata.name ?? '',
    orNA(pdb.spec?.minAvailable),
    orNA(pdb.spec?.maxUnavailable),
    pdb.status?.disruptionsAllowed ?? 0,
    formatAge(pdb.metadata.creationTimestamp, now),
  ];
}

export const podDisruptionBudgetPrinter: KindPrinter = { columns, cells: pdbCells };
