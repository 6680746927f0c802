/** ConfigMap columns: DATA counts both data and binaryData keys, as kubectl does. */
import type { ApiObject } from '../meta.js';
import type { ConfigMap } from '../types/core.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Data', 'string', 'Data contains the configuration data.'),
  ageColumn,
];

function configMapCells(obj: ApiObject, now: Date): Cell[] {
  const cm = obj as ConfigMap;
  const keys = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
  return [cm.metadata.name ?? '', keys, formatAge(cm.metadata.creationTimestamp, now)];
}

export const configMapPrinter: KindPrinter = { columns, cells: configMapCells };
