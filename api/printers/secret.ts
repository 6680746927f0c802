/** Secret columns: the number of keys only, never their values. */
import type { ApiObject } from '../meta.js';
import type { Secret } from '../types/core.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
  column('Data', 'string', 'Data contains the secret data.'),
  ageColumn,
];

function secretCells(obj: ApiObject, now: Date): Cell[] {
  const s = obj as Secret;
  return [s.metadata.name ?? '', s.type ?? '', Object.keys(s.data ?? {}).length, formatAge(s.metadata.creationTimestamp, now)];
}

export const secretPrinter: KindPrinter = { columns, cells: secretCells };
