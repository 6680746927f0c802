/** PriorityClass columns; kubectl shows PREEMPTIONPOLICY even without -o wide. */
import type { ApiObject } from '../meta.js';
import type { PriorityClass } from '../types/apps.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Value', 'integer', 'The value of this priority class.'),
  column('Global-Default', 'boolean', 'Whether this priority class is the default for pods without a priorityClassName.'),
  ageColumn,
  column('PreemptionPolicy', 'string', 'The policy for preempting pods with lower priority.'),
];

function priorityClassCells(obj: ApiObject, now: Date): Cell[] {
  const pc = obj as PriorityClass;
  return [
    pc.metadata.name ?? '',
    typeof pc.value === 'number' ? pc.value : 0,
    pc.globalDefault ?? false,
    formatAge(pc.metadata.creationTimestamp, now),
    pc.preemptionPolicy ?? '',
  ];
}

export const priorityClassPrinter: KindPrinter = { columns, cells: priorityClassCells };
