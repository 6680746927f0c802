/** The parts every describe shares: the metadata header and the Events table. */
import type { ApiObject } from '../../api/meta.js';
import type { Event } from '../../api/types/core.js';
import { formatAge } from '../../api/printers/duration.js';
import { rec, str, num } from '../../api/printers/helpers.js';
import type { DescribeWriter } from './writer.js';
import { formatTime, labelLines, annotationLines } from './format.js';

export function describeHeader(w: DescribeWriter, obj: ApiObject): void {
  const meta = obj.metadata ?? {};
  w.line(0, 'Name:', meta.name ?? '');
  // Cluster-scoped kinds have no namespace line, as in kubectl.
  if (meta.namespace) w.line(0, 'Namespace:', meta.namespace);
  w.list(0, 'Labels', labelLines(meta.labels));
  w.list(0, 'Annotations', annotationLines(meta.annotations));
  w.line(0, 'CreationTimestamp:', formatTime(meta.creationTimestamp));
}

/** "Kind/name" of the controlling owner, for "Controlled By:". */
export function controllerOf(obj: ApiObject): string | undefined {
  const ref = (obj.metadata?.ownerReferences ?? []).find((r) => r.controller);
  return ref ? `${ref.kind}/${ref.name}` : undefined;
}

function eventTime(ev: Event): number {
  const ts = ev.lastTimestamp || str(rec(ev.series).lastObservedTime) || str(ev.eventTime) || ev.firstTimestamp;
  const t = ts ? Date.parse(ts) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** kubectl's Age cell: "5m", or "30s (x4 over 5m)" for repeated events. */
function eventInterval(ev: Event, now: Date): string {
  const first = ev.firstTimestamp ? formatAge(ev.firstTimestamp, now) : formatAge(str(ev.eventTime) || undefined, now);
  if (ev.series !== undefined && ev.series !== null) {
    const series = rec(ev.series);
    return `${formatAge(str(series.lastObservedTime) || undefined, now)} (x${num(series.count)} over ${first})`;
  }
  if (num(ev.count) > 1) return `${formatAge(ev.lastTimestamp, now)} (x${num(ev.count)} over ${first})`;
  return first;
}

/** The Events section: `<none>`, or a Type/Reason/Age/From/Message table oldest first. */
export function describeEvents(w: DescribeWriter, events: ApiObject[], now: Date): void {
  if (events.length === 0) {
    w.line(0, 'Events:', '<none>');
    return;
  }
  const sorted = (events as Event[]).map((ev, i) => ({ ev, i })).sort((a, b) => eventTime(a.ev) - eventTime(b.ev) || a.i - b.i);
  w.line(0, 'Events:');
  w.line(1, 'Type', 'Reason', 'Age', 'From', 'Message');
  w.line(1, '----', '------', '----', '----', '-------');
  for (const { ev } of sorted) {
    const from = ev.source?.component || str(ev.reportingController);
    w.line(1, ev.type ?? '', ev.reason ?? '', eventInterval(ev, now), from, (ev.message ?? '').trim());
  }
}
