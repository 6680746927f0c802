/** Column and cell helpers shared by the per-kind printers (and by cli/describe). */
import { isObject } from '../meta.js';
import type { LabelSelector, Container } from '../types/core.js';
import type { TableColumnDefinition } from './types.js';

export function column(
  name: string,
  type: TableColumnDefinition['type'],
  description: string,
  priority = 0,
  format = '',
): TableColumnDefinition {
  return { name, type, format, description, priority };
}

export const nameColumn = column('Name', 'string', 'Name must be unique within a namespace.', 0, 'name');
export const ageColumn = column(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);
export const containersColumn = column('Containers', 'string', 'Names of each container in the template.', 1);
export const imagesColumn = column('Images', 'string', 'Images referenced by each container in the template.', 1);

/** Field access on objects whose stored shape is not guaranteed (validation may be looser than the types). */
export function rec(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}
export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
export function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** labels.Set.String(): `k=v` pairs sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** metav1.FormatLabelSelector: requirements sorted by key, `<none>` for an empty or missing selector. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const reqs: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) reqs.push({ key, text: `${key}=${value}` });
  for (const expr of selector?.matchExpressions ?? []) {
    const values = [...new Set(expr.values ?? [])].sort().join(',');
    let text: string;
    switch (expr.operator) {
      case 'In': text = `${expr.key} in (${values})`; break;
      case 'NotIn': text = `${expr.key} notin (${values})`; break;
      case 'Exists': text = expr.key; break;
      case 'DoesNotExist': text = `!${expr.key}`; break;
      default: text = `${expr.key} ${String(expr.operator)} (${values})`;
    }
    reqs.push({ key: expr.key, text });
  }
  if (reqs.length === 0) return '<none>';
  // Stable sort by key keeps matchLabels ahead of expressions on the same key, as apimachinery does.
  return reqs
    .map((r, i) => ({ ...r, i }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
    .map((r) => r.text)
    .join(',');
}

/** Container names and images, each comma-joined, for the wide CONTAINERS / IMAGES columns. */
export function layoutContainerCells(containers: Container[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image ?? '').join(',')];
}

/** net.JoinHostPort: brackets around IPv6 literals. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
