/** Deployment (apps/v1). */
import { forbidden, invalid, type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import type { Deployment } from '../types/apps.js';
import { isDns1123Subdomain, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { child, metaSelectableFields, optBool, optEnum, optInt, optObject, validateMetaUpdate, type Fields, requiredBecause } from './util.js';
import { applyTemplateDefaults, specOf, validateReplicaFields, validateSelectorAndTemplate, validateSelectorUpdate } from './workload.js';

const DEPLOYMENT_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'] as const;
const DEPLOYMENT_SPEC_FIELDS = [
  'replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds',
] as const;
export const DEFAULT_MAX_SURGE = '25%';
export const DEFAULT_MAX_UNAVAILABLE = '25%';
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

const PERCENT = /^[0-9]+%$/;

/** An int-or-percent: a non-negative integer or a string like "25%". Returns its value for the both-zero check. */
export function validateIntOrPercent(value: unknown, path: string, maxPercent: boolean, errs: FieldError[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    return optInt(value, path, errs, { min: 0 });
  }
  if (typeof value !== 'string' || !PERCENT.test(value)) {
    errs.push(invalid(path, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
    return undefined;
  }
  const pct = Number(value.slice(0, -1));
  if (maxPercent && pct > 100) errs.push(invalid(path, value, 'must not be greater than 100%'));
  return pct;
}

function validateStrategy(value: unknown, errs: FieldError[]): void {
  const path = 'spec.strategy';
  const strategy = optObject(value, path, errs);
  if (!strategy) return;
  errs.push(...validateKnownFields(strategy, ['type', 'rollingUpdate'], path));
  const type = optEnum(strategy.type, child(path, 'type'), ['Recreate', 'RollingUpdate'], errs, true);
  const rp = child(path, 'rollingUpdate');
  if (type === 'Recreate') {
    if (strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) {
      errs.push(forbidden(rp, "may not be specified when strategy `type` is 'Recreate'"));
    }
    return;
  }
  const ru = optObject(strategy.rollingUpdate, rp, errs);
  if (type === 'RollingUpdate' && !ru) {
    if (strategy.rollingUpdate === undefined || strategy.rollingUpdate === null) errs.push(requiredBecause(rp, "this should be defaulted and never be nil"));
    return;
  }
  if (!ru) return;
  errs.push(...validateKnownFields(ru, ['maxSurge', 'maxUnavailable'], rp));
  const surge = validateIntOrPercent(ru.maxSurge, child(rp, 'maxSurge'), false, errs);
  const unavailable = validateIntOrPercent(ru.maxUnavailable, child(rp, 'maxUnavailable'), true, errs);
  // With neither extra nor missing pods allowed, a rollout could never make progress.
  if (surge === 0 && unavailable === 0) errs.push(invalid(child(rp, 'maxUnavailable'), ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
}

function validate(d: Deployment): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(d, DEPLOYMENT_FIELDS, ''),
    ...validateObjectMeta(d.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
  ];
  const spec = specOf(d, errs);
  errs.push(...validateKnownFields(spec, DEPLOYMENT_SPEC_FIELDS, 'spec'));
  errs.push(...validateReplicaFields(spec), ...validateSelectorAndTemplate(spec, 'Deployment'));
  validateStrategy(spec.strategy, errs);
  optInt(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', errs, { min: 0 });
  optBool(spec.paused, 'spec.paused', errs);
  const deadline = optInt(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds', errs, { min: 0 });
  const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
  if (deadline !== undefined && deadline <= minReady) {
    errs.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

function applyDefaults(d: Deployment): void {
  if (!isObject(d.spec)) return;
  const spec = d.spec as unknown as Fields;
  applyTemplateDefaults(spec);
  if (spec.strategy === undefined || spec.strategy === null) spec.strategy = {};
  if (isObject(spec.strategy)) {
    const strategy = spec.strategy;
    if (strategy.type === undefined || strategy.type === null || strategy.type === '') strategy.type = 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      if (strategy.rollingUpdate === undefined || strategy.rollingUpdate === null) strategy.rollingUpdate = {};
      if (isObject(strategy.rollingUpdate)) {
        strategy.rollingUpdate.maxUnavailable ??= DEFAULT_MAX_UNAVAILABLE;
        strategy.rollingUpdate.maxSurge ??= DEFAULT_MAX_SURGE;
      }
    }
  }
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT;
  spec.progressDeadlineSeconds ??= DEFAULT_PROGRESS_DEADLINE_SECONDS;
}

export const deploymentStrategy = {
  /** Status is the controller's to write; generation starts at 1 so observedGeneration can catch up to it. */
  prepareForCreate(d: Deployment): void {
    d.status = {};
    if (isObject(d.metadata)) d.metadata.generation = 1;
  },
  applyDefaults,
  validate,
  validateUpdate(d: Deployment, old: Deployment): FieldError[] {
    return [...validate(d), ...validateMetaUpdate(d, old), ...validateSelectorUpdate(d.spec, old.spec)];
  },
  selectableFields(d: Deployment): Record<string, string> {
    return metaSelectableFields(d, true);
  },
} satisfies KindStrategy<Deployment>;
