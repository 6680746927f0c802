/** Lease columns. */
import type { ApiObject } from '../meta.js';
import type { Lease } from '../types/apps.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'),
  ageColumn,
];

function leaseCells(obj: ApiObject, now: Date): Cell[] {
  const lease = obj as Lease;
  return [lease.metadata.name ?? '', lease.spec?.holderIdentity ?? '', formatAge(lease.metadata.creationTimestamp, now)];
}

export const leasePrinter: KindPrinter = { columns, cells: leaseCells };
