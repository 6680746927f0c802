/** What ReplicaSets and Deployments share: a selector that owns the pods its template creates. */
import { forbidden, invalid, notSupported, required, type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import { labelSelectorFromObject } from '../selectors.js';
import type { LabelSelector, PodSpec } from '../types/core.js';
import { OBJECT_META_FIELDS, validateAnnotations, validateKnownFields, validateLabelSelector, validateLabels } from '../validation/common.js';
import { validatePodSpec } from './pod-spec.js';
import { applyPodSpecDefaults } from './pod-spec-defaults.js';
import { child, immutable, optInt, optObject, type Fields } from './util.js';

/** Pods made from a template must keep running, and have no deadline: the controller replaces them instead. */
export function validatePodTemplate(value: unknown, path: string, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  if (value === undefined || value === null) return [required(path)];
  const template = optObject(value, path, errs);
  if (!template) return errs;
  errs.push(...validateKnownFields(template, ['metadata', 'spec'], path));
  const mp = child(path, 'metadata');
  const meta = optObject(template.metadata, mp, errs);
  if (meta) {
    errs.push(...validateKnownFields(meta, OBJECT_META_FIELDS, mp));
    errs.push(...validateLabels(meta.labels, child(mp, 'labels')), ...validateAnnotations(meta.annotations, child(mp, 'annotations')));
  }
  const sp = child(path, 'spec');
  errs.push(...validatePodSpec(template.spec, sp));
  if (isObject(template.spec)) {
    const rp = template.spec.restartPolicy;
    if (rp !== undefined && rp !== 'Always') errs.push(notSupported(child(sp, 'restartPolicy'), rp, ['Always']));
    if (template.spec.activeDeadlineSeconds !== undefined && template.spec.activeDeadlineSeconds !== null) {
      errs.push(forbidden(child(sp, 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
    }
  }
  return errs;
}

function isEmptySelector(sel: Fields): boolean {
  const labels = isObject(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
  return labels + exprs === 0;
}

/** Whether a (valid) selector selects these labels; undefined when the selector cannot be evaluated. */
function selects(selector: Fields, labels: unknown): boolean | undefined {
  try {
    return labelSelectorFromObject(selector as LabelSelector).matches(isObject(labels) ? (labels as Record<string, string>) : {});
  } catch {
    return undefined; // the selector's own errors are reported by validateLabelSelector
  }
}

/** `spec.selector` is required, non-empty, valid, and must select the template's own labels. */
export function validateSelectorAndTemplate(spec: Fields, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const selector = optObject(spec.selector, 'spec.selector', errs);
  if (spec.selector === undefined || spec.selector === null) errs.push(required('spec.selector'));
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  if (selector && isEmptySelector(selector)) errs.push(invalid('spec.selector', selector, `empty selector is invalid for ${kind.toLowerCase()}`));
  errs.push(...validatePodTemplate(spec.template, 'spec.template', kind));
  if (selector && !isEmptySelector(selector) && isObject(spec.template)) {
    const labels = isObject(spec.template.metadata) ? spec.template.metadata.labels : undefined;
    // Otherwise the controller would create pods it does not count as its own, forever.
    if (selects(selector, labels) === false) {
      errs.push(invalid('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`'));
    }
  }
  return errs;
}

export function validateReplicaFields(spec: Fields): FieldError[] {
  const errs: FieldError[] = [];
  optInt(spec.replicas, 'spec.replicas', errs, { min: 0 });
  optInt(spec.minReadySeconds, 'spec.minReadySeconds', errs, { min: 0 });
  return errs;
}

export function applyTemplateDefaults(spec: Fields): void {
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (isObject(spec.template) && isObject(spec.template.spec)) applyPodSpecDefaults(spec.template.spec as PodSpec);
}

/** apps/v1 makes the selector immutable: changing it would orphan every existing pod. */
export function validateSelectorUpdate(spec: unknown, oldSpec: unknown): FieldError[] {
  const s = isObject(spec) ? spec : {};
  const o = isObject(oldSpec) ? oldSpec : {};
  return immutable(s.selector, o.selector, 'spec.selector');
}

/** The spec as a record (missing or malformed spec reads as empty after reporting it). */
export function specOf(obj: { spec?: unknown }, errs: FieldError[]): Fields {
  if (obj.spec === undefined || obj.spec === null) {
    errs.push(required('spec'));
    return {};
  }
  return optObject(obj.spec, 'spec', errs) ?? {};
}
