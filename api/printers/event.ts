/** Event columns, following kubectl's printEvent (the wide columns interleave, hence the order). */
import type { ApiObject } from '../meta.js';
import type { Event } from '../types/core.js';
import type { Cell, KindPrinter } from './types.js';
import { column, rec, str, num } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
  column('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
  column('Object', 'string', 'The object that this event is about.'),
  column('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', 1),
  column('Source', 'string', 'The component reporting this event.', 1),
  column('Message', 'string', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'string', 'The time at which the event was first recorded.', 1),
  column('Count', 'string', 'The number of times this event has occurred.', 1),
  column('Name', 'string', 'Name must be unique within a namespace.', 1, 'name'),
];

/** "component, host", falling back to the events.k8s.io reporting fields. */
export function formatEventSource(ev: Event): string {
  const component = ev.source?.component || str(ev.reportingController);
  const host = ev.source?.host || str(ev.reportingInstance);
  return host ? `${component}, ${host}` : component;
}

/** "kind/name" in lower-case kind, as `kubectl get events` shows it. */
export function eventTarget(ev: Event): string {
  const kind = (ev.involvedObject?.kind ?? '').toLowerCase();
  return ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
}

/** FIRST SEEN, LAST SEEN and COUNT, honouring events.k8s.io series. */
export function eventTimes(ev: Event, now: Date): { first: string; last: string; count: number } {
  const first = ev.firstTimestamp ? formatAge(ev.firstTimestamp, now) : formatAge(str(ev.eventTime) || undefined, now);
  let last = ev.lastTimestamp ? formatAge(ev.lastTimestamp, now) : first;
  let count = num(ev.count);
  const series = rec(ev.series);
  if (ev.series !== undefined && ev.series !== null) {
    last = formatAge(str(series.lastObservedTime) || undefined, now);
    count = num(series.count);
  } else if (count === 0) {
    count = 1; // singleton events carry no count in the new API
  }
  return { first, last, count };
}

function eventCells(obj: ApiObject, now: Date): Cell[] {
  const ev = obj as Event;
  const { first, last, count } = eventTimes(ev, now);
  return [
    last,
    ev.type ?? '',
    ev.reason ?? '',
    eventTarget(ev),
    ev.involvedObject?.fieldPath ?? '',
    formatEventSource(ev),
    (ev.message ?? '').trim(),
    first,
    count,
    ev.metadata.name ?? '',
  ];
}

export const eventPrinter: KindPrinter = { columns, cells: eventCells };
