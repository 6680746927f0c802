/** meta.k8s.io/v1 Table shapes, as the API server returns them for `Accept: ...;as=Table`. */
import type { ApiObject } from '../meta.js';

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0 = always shown; 1 = only with `-o wide`. */
  priority: number;
}

export type Cell = string | number | boolean;

export interface TableRow {
  cells: Cell[];
  /** The full object (includeObject=Object), PartialObjectMetadata (Metadata) or null (None). */
  object: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** One kind's columns and how to fill them. Cells always include the wide columns, as the server generates them. */
export interface KindPrinter {
  columns: TableColumnDefinition[];
  cells(obj: ApiObject, now: Date): Cell[];
}
