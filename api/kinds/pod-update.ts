/**
 * What may change in a running pod's spec. A pod is a record of what was started, so nearly everything is fixed;
 * the exceptions are the ones the kubelet can apply in place (a new image, a shorter deadline, more tolerations).
 */
import { forbidden, invalid, type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import { child, semanticEqual, type Fields } from './util.js';

export const POD_UPDATE_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds`,`spec.nodeName` (only from unset, by binding)';

function list(value: unknown): Fields[] {
  return Array.isArray(value) ? value.map((v) => (isObject(v) ? v : {})) : [];
}

/** Images are mutable: copy the old ones over so the comparison ignores them. */
function withOldImages(containers: unknown, old: unknown): unknown {
  if (!Array.isArray(containers)) return containers;
  const before = list(old);
  return containers.map((c, i) => (isObject(c) && before[i] ? { ...c, image: before[i]!.image } : c));
}

/** Every old toleration must still be there; only tolerationSeconds of an existing one may change. */
function validateTolerationUpdate(newTols: unknown, oldTols: unknown, path: string): FieldError[] {
  const strip = (t: Fields): Fields => ({ ...t, tolerationSeconds: undefined });
  const current = list(newTols).map(strip);
  for (const old of list(oldTols)) {
    if (!current.some((t) => semanticEqual(t, strip(old)))) {
      return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
    }
  }
  return [];
}

function validateDeadlineUpdate(newValue: unknown, oldValue: unknown, path: string): FieldError[] {
  if (typeof oldValue !== 'number') return [];
  if (newValue === undefined || newValue === null) return [invalid(path, null, 'must not update from a positive integer to nil value')];
  if (typeof newValue === 'number' && newValue > oldValue) return [invalid(path, newValue, 'must be less than or equal to previous value')];
  return [];
}

/** The fields that differ between two specs, for a message that says what actually changed. */
function changedFields(a: Fields, b: Fields, path: string): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !semanticEqual(a[k], b[k])).map((k) => child(path, k)).sort();
}

export function validatePodSpecUpdate(newSpec: unknown, oldSpec: unknown, path = 'spec'): FieldError[] {
  if (!isObject(newSpec) || !isObject(oldSpec)) return [];
  const errs: FieldError[] = [];
  errs.push(...validateDeadlineUpdate(newSpec.activeDeadlineSeconds, oldSpec.activeDeadlineSeconds, child(path, 'activeDeadlineSeconds')));
  errs.push(...validateTolerationUpdate(newSpec.tolerations, oldSpec.tolerations, child(path, 'tolerations')));
  if (oldSpec.nodeName && newSpec.nodeName !== oldSpec.nodeName) {
    errs.push(invalid(child(path, 'nodeName'), newSpec.nodeName ?? '', 'field is immutable once the pod is bound to a node'));
  }

  const munged: Fields = {
    ...newSpec,
    containers: withOldImages(newSpec.containers, oldSpec.containers),
    initContainers: withOldImages(newSpec.initContainers, oldSpec.initContainers),
    activeDeadlineSeconds: oldSpec.activeDeadlineSeconds,
    tolerations: oldSpec.tolerations,
    terminationGracePeriodSeconds: oldSpec.terminationGracePeriodSeconds,
    nodeName: oldSpec.nodeName, // checked above: may go from unset to set, never change after
  };
  const changed = changedFields(munged, oldSpec, path);
  if (changed.length) errs.push(forbidden(path, `${POD_UPDATE_MESSAGE}; changed: ${changed.join(', ')}`));
  return errs;
}
