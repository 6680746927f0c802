/** TrafficRoute (mesh.cairn.dev/v1alpha1): ordered rules matching requests to one Service and sending them to weighted backends. */
import { invalid, type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import { RETRY_ON, type TrafficRoute } from '../types/mesh.js';
import { validateLabels } from '../validation/common.js';
import {
  exactlyOne, isSet, meshStrategy, optDuration, optMethods, optPercent, optStruct, optUniqueList, requiredDuration, requiredPercent,
  requiredService, validateHeaderName,
} from './mesh-fields.js';
import { child, index, key, optArray, optBool, optEnum, optInt, optObject, optString, requiredBecause, type Fields } from './util.js';

const SPEC_FIELDS = ['service', 'rules'] as const;
const RULE_FIELDS = ['match', 'backends', 'timeout', 'retries', 'fault', 'headers', 'mirror'] as const;
const STRING_MATCHES = ['exact', 'prefix', 'regex'] as const;
const HEADER_MATCHES = ['exact', 'prefix', 'regex', 'present'] as const;
const HEADER_EDITS = ['set', 'add', 'remove'] as const;

function validateRegex(value: unknown, path: string, errs: FieldError[]): void {
  const re = optString(value, path, errs);
  if (re === undefined) return;
  try {
    new RegExp(re);
  } catch (err) {
    errs.push(invalid(path, re, `must be a valid regular expression: ${(err as Error).message}`));
  }
}

function validatePathMatch(value: unknown, path: string, errs: FieldError[]): void {
  const m = optStruct(value, path, STRING_MATCHES, errs);
  if (!m) return;
  const kind = exactlyOne(m, STRING_MATCHES, path, errs);
  if (kind === 'regex') return validateRegex(m.regex, child(path, 'regex'), errs);
  if (!kind) return;
  const p = optString(m[kind], child(path, kind), errs);
  if (p !== undefined && !p.startsWith('/')) errs.push(invalid(child(path, kind), p, 'must be an absolute path starting with "/"'));
}

function validateHeaderMatch(value: unknown, path: string, errs: FieldError[]): void {
  const h = optStruct(value, path, ['name', ...HEADER_MATCHES], errs);
  if (!h) return;
  if (!isSet(h.name)) errs.push(requiredBecause(child(path, 'name'), 'name the header to match (e.g. "x-user")'));
  else validateHeaderName(h.name, child(path, 'name'), errs);
  const kind = exactlyOne(h, HEADER_MATCHES, path, errs);
  if (kind === 'regex') validateRegex(h.regex, child(path, 'regex'), errs);
  else if (kind === 'present') {
    if (optBool(h.present, child(path, 'present'), errs) === false) errs.push(invalid(child(path, 'present'), false, 'must be true; to match a missing header, route it with a later rule'));
  } else if (kind) optString(h[kind], child(path, kind), errs);
}

function validateMatch(value: unknown, path: string, errs: FieldError[]): void {
  const m = optStruct(value, path, ['path', 'headers', 'methods'], errs);
  if (!m) return;
  if (isSet(m.path)) validatePathMatch(m.path, child(path, 'path'), errs);
  (optArray(m.headers, child(path, 'headers'), errs) ?? []).forEach((h, i) => validateHeaderMatch(h, index(child(path, 'headers'), i), errs));
  optMethods(m.methods, child(path, 'methods'), errs);
}

function validateBackends(value: unknown, path: string, errs: FieldError[]): void {
  const backends = optArray(value, path, errs);
  if (backends === undefined) {
    if (!isSet(value)) errs.push(requiredBecause(path, 'list at least one backend ({service, weight})'));
    return;
  }
  if (backends.length === 0) errs.push(requiredBecause(path, 'list at least one backend ({service, weight})'));
  let sum = 0;
  backends.forEach((b, i) => {
    const bp = index(path, i);
    const backend = optStruct(b, bp, ['service', 'subset', 'weight'], errs);
    if (!backend) return;
    requiredService(backend.service, child(bp, 'service'), errs);
    const subset = optStruct(backend.subset, child(bp, 'subset'), ['labels'], errs);
    if (subset) {
      if (!optObject(subset.labels, child(child(bp, 'subset'), 'labels'), errs)) errs.push(requiredBecause(child(child(bp, 'subset'), 'labels'), 'give the pod labels that select the subset (e.g. {version: v2})'));
      else errs.push(...validateLabels(subset.labels, child(child(bp, 'subset'), 'labels')));
    }
    if (backends.length > 1 && !isSet(backend.weight)) errs.push(requiredBecause(child(bp, 'weight'), 'give every backend a weight when a rule has several; the weights must sum to 100'));
    sum += optPercent(backend.weight, child(bp, 'weight'), errs) ?? 0;
  });
  if (backends.length > 1 && sum !== 100) errs.push(invalid(path, backends.map((b) => (b as Fields | null)?.weight), `backend weights must sum to 100 (they sum to ${sum}); adjust the weights`));
}

function validateRetries(value: unknown, path: string, errs: FieldError[]): void {
  const r = optStruct(value, path, ['attempts', 'perTryTimeout', 'retryOn', 'budgetPercent'], errs);
  if (!r) return;
  optInt(r.attempts, child(path, 'attempts'), errs, { min: 0, max: 10 });
  optDuration(r.perTryTimeout, child(path, 'perTryTimeout'), errs);
  optUniqueList(r.retryOn, child(path, 'retryOn'), errs, (v, p) => optEnum(v, p, RETRY_ON, errs));
  optPercent(r.budgetPercent, child(path, 'budgetPercent'), errs);
}

function validateFault(value: unknown, path: string, errs: FieldError[]): void {
  const f = optStruct(value, path, ['delay', 'abort'], errs);
  if (!f) return;
  if (!isSet(f.delay) && !isSet(f.abort)) errs.push(requiredBecause(path, 'set `delay`, `abort` or both, or remove `fault`'));
  const delay = optStruct(f.delay, child(path, 'delay'), ['fixedDelay', 'percent'], errs);
  if (delay) {
    requiredDuration(delay.fixedDelay, child(child(path, 'delay'), 'fixedDelay'), errs);
    requiredPercent(delay.percent, child(child(path, 'delay'), 'percent'), errs);
  }
  const abort = optStruct(f.abort, child(path, 'abort'), ['httpStatus', 'percent'], errs);
  if (abort) {
    const sp = child(child(path, 'abort'), 'httpStatus');
    if (!isSet(abort.httpStatus)) errs.push(requiredBecause(sp, 'give the HTTP status to answer with, 200-599'));
    else optInt(abort.httpStatus, sp, errs, { min: 200, max: 599 });
    requiredPercent(abort.percent, child(child(path, 'abort'), 'percent'), errs);
  }
}

function validateHeaderEdits(value: unknown, path: string, errs: FieldError[]): void {
  const e = optStruct(value, path, HEADER_EDITS, errs);
  if (!e) return;
  for (const op of ['set', 'add'] as const) {
    const map = optObject(e[op], child(path, op), errs) ?? {};
    for (const [name, v] of Object.entries(map)) {
      validateHeaderName(name, key(child(path, op), name), errs);
      if (typeof v !== 'string') errs.push(invalid(key(child(path, op), name), v, 'must be a string header value'));
    }
  }
  optUniqueList(e.remove, child(path, 'remove'), errs, (name, p) => validateHeaderName(name, p, errs));
}

function validateRule(value: unknown, path: string, errs: FieldError[]): void {
  const rule = optStruct(value, path, RULE_FIELDS, errs);
  if (!rule) {
    if (!isSet(value)) errs.push(requiredBecause(path, 'give each rule at least `backends`'));
    return;
  }
  validateMatch(rule.match, child(path, 'match'), errs);
  validateBackends(rule.backends, child(path, 'backends'), errs);
  optDuration(rule.timeout, child(path, 'timeout'), errs);
  validateRetries(rule.retries, child(path, 'retries'), errs);
  validateFault(rule.fault, child(path, 'fault'), errs);
  const headers = optStruct(rule.headers, child(path, 'headers'), ['request', 'response'], errs);
  if (headers) for (const dir of ['request', 'response'] as const) validateHeaderEdits(headers[dir], child(child(path, 'headers'), dir), errs);
  const mirror = optStruct(rule.mirror, child(path, 'mirror'), ['service', 'percent'], errs);
  if (mirror) {
    requiredService(mirror.service, child(child(path, 'mirror'), 'service'), errs);
    optPercent(mirror.percent, child(child(path, 'mirror'), 'percent'), errs);
  }
}

function validateSpec(spec: Fields, errs: FieldError[]): void {
  requiredService(spec.service, 'spec.service', errs);
  const rules = optArray(spec.rules, 'spec.rules', errs);
  if (rules === undefined && isSet(spec.rules)) return;
  if (!rules?.length) {
    errs.push(requiredBecause('spec.rules', 'list at least one rule with `backends`'));
    return;
  }
  rules.forEach((r, i) => validateRule(r, index('spec.rules', i), errs));
}

/** A rule's lone backend takes all its traffic unless it says otherwise. */
function applyDefaults(tr: TrafficRoute): void {
  const rules: unknown = isObject(tr.spec) ? tr.spec.rules : undefined;
  if (!Array.isArray(rules)) return;
  for (const rule of rules) {
    if (!isObject(rule) || !Array.isArray(rule.backends) || rule.backends.length !== 1) continue;
    const only: unknown = rule.backends[0];
    if (isObject(only) && !isSet(only.weight)) only.weight = 100;
  }
}

export const trafficRouteStrategy = meshStrategy<TrafficRoute>(SPEC_FIELDS, validateSpec, applyDefaults);
