/** Namespace columns. */
import type { ApiObject } from '../meta.js';
import type { Namespace } from '../types/core.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [nameColumn, column('Status', 'string', 'The status of the namespace'), ageColumn];

function namespaceCells(obj: ApiObject, now: Date): Cell[] {
  const ns = obj as Namespace;
  return [ns.metadata.name ?? '', ns.status?.phase ?? '', formatAge(ns.metadata.creationTimestamp, now)];
}

export const namespacePrinter: KindPrinter = { columns, cells: namespaceCells };
