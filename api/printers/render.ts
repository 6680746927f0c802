/** Text output of a Table, as kubectl's table printer lays it out (tabwriter, padding 3). */
import { isObject } from '../meta.js';
import type { Cell, Table, TableRow } from './types.js';

const columnGap = 3;

/** A cell as one line of text: kubectl cuts values at the first line break and marks the cut with "...". */
function cellText(cell: Cell | null | undefined): string {
  if (cell === null || cell === undefined) return '';
  const text = String(cell);
  const cut = text.search(/[\f\n\r]/);
  return cut >= 0 ? `${text.slice(0, cut)}...` : text;
}

function rowNamespace(row: TableRow): string {
  if (!isObject(row.object) || !isObject(row.object.metadata)) return '';
  const ns = row.object.metadata.namespace;
  return typeof ns === 'string' ? ns : '';
}

/**
 * Upper-cased headers, left-aligned columns separated by at least three spaces, no trailing spaces.
 * priority>0 columns only when `wide`; NAMESPACE first when `namespaceColumn` (read from each row's object,
 * so the table must have been built with includeObject Metadata or Object). No rows gives "" (no headers),
 * leaving the "No resources found" message to the caller, as kubectl does.
 */
export function renderTable(table: Table, opts: { wide: boolean; noHeaders?: boolean; namespaceColumn?: boolean }): string {
  if (table.rows.length === 0) return '';
  const visible = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => opts.wide || c.priority === 0);
  const lines: string[][] = [];
  if (!opts.noHeaders) {
    const headers = visible.map(({ c }) => c.name.toUpperCase());
    lines.push(opts.namespaceColumn ? ['NAMESPACE', ...headers] : headers);
  }
  for (const row of table.rows) {
    const cells = visible.map(({ i }) => cellText(row.cells[i]));
    lines.push(opts.namespaceColumn ? [rowNamespace(row), ...cells] : cells);
  }
  const widths: number[] = [];
  for (const line of lines) line.forEach((text, i) => (widths[i] = Math.max(widths[i] ?? 0, text.length)));
  return lines
    .map((line) =>
      line
        .map((text, i) => (i === line.length - 1 ? text : text.padEnd(widths[i] + columnGap)))
        .join('')
        .trimEnd(),
    )
    .join('\n') + '\n';
}
