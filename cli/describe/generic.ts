/** Any other kind: its fields as kubectl's generic describer prints them (Title Case keys, nested indentation). */
import type { ApiObject } from '../../api/meta.js';
import { isObject } from '../../api/meta.js';
import type { DescribeWriter } from './writer.js';

const acronyms = new Set(['API', 'URL', 'UID', 'OSB', 'GUID', 'IP', 'CIDR', 'ID']);

/** "holderIdentity" → "Holder Identity", "podIP" → "Pod IP"; keys with digits or symbols are kept as they are. */
export function smartLabel(field: string): string {
  if (!/^[A-Za-z-]+$/.test(field)) return field;
  const parts = field.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|-+/g) ?? [field];
  return parts
    .map((p) => (acronyms.has(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1)))
    .join(' ');
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function describeContent(w: DescribeWriter, level: number, content: Record<string, unknown>): void {
  for (const key of Object.keys(content).sort()) {
    const value = content[key];
    if (isObject(value)) {
      w.line(level, `${smartLabel(key)}:`);
      describeContent(w, level + 1, value);
    } else if (Array.isArray(value)) {
      w.line(level, `${smartLabel(key)}:`);
      for (const item of value) {
        if (isObject(item)) describeContent(w, level + 1, item);
        else w.line(level + 1, scalar(item));
      }
    } else {
      w.line(level, `${smartLabel(key)}:`, scalar(value));
    }
  }
}

export function describeGeneric(w: DescribeWriter, obj: ApiObject): void {
  if (obj.apiVersion) w.line(0, 'API Version:', obj.apiVersion);
  if (obj.kind) w.line(0, 'Kind:', obj.kind);
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') rest[k] = v;
  describeContent(w, 0, rest);
}
