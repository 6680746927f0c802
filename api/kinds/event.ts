/** Event (core/v1), in the form kubectl and client-go's event recorder write. */
import { invalid, notSupported, required, type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import type { Event } from '../types/core.js';
import { isDns1123Subdomain, isQualifiedName, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { child, metaSelectableFields, optInt, optObject, optString, problems, str, validateMetaUpdate, type Fields } from './util.js';

const EVENT_FIELDS = [
  'apiVersion', 'kind', 'metadata', 'involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp',
  'count', 'type', 'eventTime', 'series', 'action', 'related', 'reportingComponent', 'reportingInstance',
] as const;
export const OBJECT_REFERENCE_FIELDS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;
export const EVENT_TYPES = ['Normal', 'Warning'] as const;

function validateReference(value: unknown, path: string, errs: FieldError[]): Fields | undefined {
  const ref = optObject(value, path, errs);
  if (!ref) return undefined;
  errs.push(...validateKnownFields(ref, OBJECT_REFERENCE_FIELDS, path));
  for (const f of OBJECT_REFERENCE_FIELDS) optString(ref[f], child(path, f), errs);
  return ref;
}

/** An event about a namespaced object lives in that object's namespace; one about a cluster object in `default`. */
function validateNamespaceMatch(event: Event, ref: Fields, errs: FieldError[]): void {
  const eventNs = isObject(event.metadata) ? str(event.metadata.namespace) : '';
  const refNs = str(ref.namespace);
  const ok = refNs ? eventNs === refNs : eventNs === '' || eventNs === 'default';
  if (!ok) errs.push(invalid('involvedObject.namespace', refNs, `does not match event.namespace (${JSON.stringify(eventNs)})`));
}

/** Events with eventTime are the events.k8s.io form, which must say who reported what. */
function validateNewStyle(event: Event, errs: FieldError[]): void {
  if (!event.type) errs.push(required('type'));
  const controller = optString(event.reportingComponent, 'reportingComponent', []);
  if (!controller) errs.push(required('reportingComponent'));
  else errs.push(...problems('reportingComponent', controller, isQualifiedName(controller)));
  if (!optString(event.reportingInstance, 'reportingInstance', [])) errs.push(required('reportingInstance'));
  if (!optString(event.action, 'action', [])) errs.push(required('action'));
  if (!optString(event.reason, 'reason', [])) errs.push(required('reason'));
}

function validate(event: Event): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(event, EVENT_FIELDS, ''),
    ...validateObjectMeta(event.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
  ];
  if (event.involvedObject === undefined || event.involvedObject === null) errs.push(required('involvedObject'));
  const ref = validateReference(event.involvedObject, 'involvedObject', errs);
  if (ref) {
    if (!ref.kind) errs.push(required('involvedObject.kind'));
    if (!ref.name) errs.push(required('involvedObject.name'));
    if (!event.eventTime) validateNamespaceMatch(event, ref, errs);
  }
  validateReference(event.related, 'related', errs);
  for (const f of ['reason', 'message', 'firstTimestamp', 'lastTimestamp', 'eventTime', 'action', 'reportingComponent', 'reportingInstance'] as const) {
    optString(event[f], f, errs);
  }
  const type: unknown = event.type;
  if (type !== undefined && type !== null && type !== '' && !(EVENT_TYPES as readonly unknown[]).includes(type)) {
    errs.push(notSupported('type', type, EVENT_TYPES));
  }
  optInt(event.count, 'count', errs, { min: 0 });
  const source = optObject(event.source, 'source', errs);
  if (source) {
    errs.push(...validateKnownFields(source, ['component', 'host'], 'source'));
    optString(source.component, 'source.component', errs);
    optString(source.host, 'source.host', errs);
  }
  const series = optObject(event.series, 'series', errs);
  if (series) {
    errs.push(...validateKnownFields(series, ['count', 'lastObservedTime'], 'series'));
    optInt(series.count, 'series.count', errs, { min: 0 });
  }
  if (event.eventTime) validateNewStyle(event, errs);
  return errs;
}

export const eventStrategy = {
  applyDefaults(): void {
    // Events have no defaulted fields.
  },
  validate,
  validateUpdate(event: Event, old: Event): FieldError[] {
    return [...validate(event), ...validateMetaUpdate(event, old)];
  },
  selectableFields(event: Event): Record<string, string> {
    const ref: Fields = isObject(event.involvedObject) ? event.involvedObject : {};
    const source: Fields = isObject(event.source) ? event.source : {};
    const fields: Record<string, string> = { ...metaSelectableFields(event, true) };
    for (const f of OBJECT_REFERENCE_FIELDS) fields[`involvedObject.${f}`] = str(ref[f]);
    fields.reason = str(event.reason);
    fields.reportingComponent = str(event.reportingComponent);
    // kubectl's `--field-selector source=` matches the component, falling back to the reporting controller.
    fields.source = str(source.component) || str(event.reportingComponent);
    fields.type = str(event.type);
    return fields;
  },
} satisfies KindStrategy<Event>;
