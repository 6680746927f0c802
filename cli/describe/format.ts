/** Value formatting shared by the describers. */
import type { Taint, Toleration } from '../../api/types/core.js';

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 1123 with numeric zone (Go's time.RFC1123Z), in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
export function formatTime(ts: string | undefined): string {
  const t = ts ? Date.parse(ts) : NaN;
  if (Number.isNaN(t)) return '<unknown>';
  const d = new Date(t);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export function orNone(value: string | undefined): string {
  return value ? value : '<none>';
}

/** Go's %t-style booleans that kubectl's printBool capitalises. */
export function boolText(value: boolean | undefined): string {
  return value ? 'True' : 'False';
}

export function sortedEntries<T>(record: Record<string, T> | undefined): [string, T][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function labelLines(labels: Record<string, string> | undefined): string[] {
  return sortedEntries(labels).map(([k, v]) => `${k}=${v}`);
}

// Holds the whole previous manifest (Secret data included), so kubectl never shows it.
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';
const maxAnnotationLen = 140;

export function annotationLines(annotations: Record<string, string> | undefined): string[] {
  return sortedEntries(annotations)
    .filter(([k]) => k !== lastApplied)
    .map(([k, v]) => {
      const oneLine = v.replace(/\r?\n/g, '\\n');
      return oneLine.length > maxAnnotationLen ? `${k}: ${oneLine.slice(0, maxAnnotationLen)}...` : `${k}: ${oneLine}`;
    });
}

export function taintText(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/** "key=value:effect op=Exists for 300s", as kubectl prints tolerations. */
export function tolerationText(t: Toleration): string {
  let s = t.key ?? '';
  if (t.value) s += `=${t.value}`;
  if (t.effect) s += `:${t.effect}`;
  // An empty-key Exists toleration tolerates everything.
  if (t.operator === 'Exists' && !t.value) s += s ? ' op=Exists' : 'op=Exists';
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
  return s;
}
