/** NAME and AGE for any kind without its own columns (kubectl's default handler). */
import type { ApiObject } from '../meta.js';
import type { Cell, KindPrinter } from './types.js';
import { nameColumn, ageColumn } from './helpers.js';
import { formatAge } from './duration.js';

function genericCells(obj: ApiObject, now: Date): Cell[] {
  return [obj.metadata?.name ?? '', formatAge(obj.metadata?.creationTimestamp, now)];
}

export const genericPrinter: KindPrinter = { columns: [nameColumn, ageColumn], cells: genericCells };
