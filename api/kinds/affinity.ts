/** Scheduling constraints in a pod spec: affinity and topologySpreadConstraints, as the scheduler will read them. */
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from '../errors.js';
import { isQualifiedName, validateKnownFields, validateLabelSelector } from '../validation/common.js';
import { AFFINITY_FIELDS, TOPOLOGY_SPREAD_FIELDS } from './pod-fields.js';
import { child, index, optArray, optEnum, optInt, optObject, optStringList, problems, requiredName, requiredBecause } from './util.js';

const NODE_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const;

function validateNodeSelectorRequirement(value: unknown, path: string, fieldSelector: boolean, errs: FieldError[]): void {
  const req = optObject(value, path, errs);
  if (!req) return;
  errs.push(...validateKnownFields(req, ['key', 'operator', 'values'], path));
  const values = optStringList(req.values, child(path, 'values'), errs) ?? [];
  const vp = child(path, 'values');
  if (fieldSelector) {
    // Only a node's own name can be matched by field, and only one name per term.
    if (req.key !== 'metadata.name') errs.push(notSupported(child(path, 'key'), req.key, ['metadata.name']));
    if (req.operator !== 'In' && req.operator !== 'NotIn') errs.push(notSupported(child(path, 'operator'), req.operator, ['In', 'NotIn']));
    if (values.length !== 1) errs.push(requiredBecause(vp, 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'));
    return;
  }
  errs.push(...requiredName(req.key, child(path, 'key'), isQualifiedName));
  const op = optEnum(req.operator, child(path, 'operator'), NODE_SELECTOR_OPERATORS, errs);
  if (req.operator === undefined) errs.push(required(child(path, 'operator')));
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(requiredBecause(vp, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(vp, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(requiredBecause(vp, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      else if (!/^-?\d+$/.test(values[0]!)) errs.push(invalid(index(vp, 0), values[0], 'must be an integer'));
      break;
  }
}

function validateNodeSelectorTerm(value: unknown, path: string, errs: FieldError[]): void {
  const term = optObject(value, path, errs);
  if (!term) return;
  errs.push(...validateKnownFields(term, ['matchExpressions', 'matchFields'], path));
  (optArray(term.matchExpressions, child(path, 'matchExpressions'), errs) ?? []).forEach((r, i) =>
    validateNodeSelectorRequirement(r, index(child(path, 'matchExpressions'), i), false, errs));
  (optArray(term.matchFields, child(path, 'matchFields'), errs) ?? []).forEach((r, i) =>
    validateNodeSelectorRequirement(r, index(child(path, 'matchFields'), i), true, errs));
}

function validateWeight(value: unknown, path: string, errs: FieldError[]): void {
  if (value === undefined) errs.push(required(path));
  else optInt(value, path, errs, { min: 1, max: 100 });
}

function validateNodeAffinity(value: unknown, path: string, errs: FieldError[]): void {
  const na = optObject(value, path, errs);
  if (!na) return;
  errs.push(...validateKnownFields(na, ['requiredDuringSchedulingIgnoredDuringExecution', 'preferredDuringSchedulingIgnoredDuringExecution'], path));
  const reqPath = child(path, 'requiredDuringSchedulingIgnoredDuringExecution');
  const reqd = optObject(na.requiredDuringSchedulingIgnoredDuringExecution, reqPath, errs);
  if (reqd) {
    errs.push(...validateKnownFields(reqd, ['nodeSelectorTerms'], reqPath));
    const terms = optArray(reqd.nodeSelectorTerms, child(reqPath, 'nodeSelectorTerms'), errs) ?? [];
    if (terms.length === 0) errs.push(requiredBecause(child(reqPath, 'nodeSelectorTerms'), 'must have at least one node selector term'));
    terms.forEach((t, i) => validateNodeSelectorTerm(t, index(child(reqPath, 'nodeSelectorTerms'), i), errs));
  }
  const prefPath = child(path, 'preferredDuringSchedulingIgnoredDuringExecution');
  (optArray(na.preferredDuringSchedulingIgnoredDuringExecution, prefPath, errs) ?? []).forEach((p, i) => {
    const pp = index(prefPath, i);
    const pref = optObject(p, pp, errs);
    if (!pref) return;
    errs.push(...validateKnownFields(pref, ['weight', 'preference'], pp));
    validateWeight(pref.weight, child(pp, 'weight'), errs);
    if (!pref.preference) errs.push(required(child(pp, 'preference')));
    else validateNodeSelectorTerm(pref.preference, child(pp, 'preference'), errs);
  });
}

const POD_AFFINITY_TERM_FIELDS = ['labelSelector', 'namespaces', 'topologyKey', 'namespaceSelector', 'matchLabelKeys', 'mismatchLabelKeys'] as const;

function validatePodAffinityTerm(value: unknown, path: string, errs: FieldError[]): void {
  const term = optObject(value, path, errs);
  if (!term) return;
  errs.push(...validateKnownFields(term, POD_AFFINITY_TERM_FIELDS, path));
  errs.push(...validateLabelSelector(term.labelSelector, child(path, 'labelSelector')));
  errs.push(...validateLabelSelector(term.namespaceSelector, child(path, 'namespaceSelector')));
  optStringList(term.namespaces, child(path, 'namespaces'), errs);
  // Without a topology key "co-located" has no meaning.
  errs.push(...requiredName(term.topologyKey, child(path, 'topologyKey'), isQualifiedName));
  optStringList(term.matchLabelKeys, child(path, 'matchLabelKeys'), errs);
  optStringList(term.mismatchLabelKeys, child(path, 'mismatchLabelKeys'), errs);
}

function validatePodAffinity(value: unknown, path: string, errs: FieldError[]): void {
  const pa = optObject(value, path, errs);
  if (!pa) return;
  errs.push(...validateKnownFields(pa, ['requiredDuringSchedulingIgnoredDuringExecution', 'preferredDuringSchedulingIgnoredDuringExecution'], path));
  const reqPath = child(path, 'requiredDuringSchedulingIgnoredDuringExecution');
  (optArray(pa.requiredDuringSchedulingIgnoredDuringExecution, reqPath, errs) ?? []).forEach((t, i) =>
    validatePodAffinityTerm(t, index(reqPath, i), errs));
  const prefPath = child(path, 'preferredDuringSchedulingIgnoredDuringExecution');
  (optArray(pa.preferredDuringSchedulingIgnoredDuringExecution, prefPath, errs) ?? []).forEach((p, i) => {
    const pp = index(prefPath, i);
    const pref = optObject(p, pp, errs);
    if (!pref) return;
    errs.push(...validateKnownFields(pref, ['weight', 'podAffinityTerm'], pp));
    validateWeight(pref.weight, child(pp, 'weight'), errs);
    if (!pref.podAffinityTerm) errs.push(required(child(pp, 'podAffinityTerm')));
    else validatePodAffinityTerm(pref.podAffinityTerm, child(pp, 'podAffinityTerm'), errs);
  });
}

export function validateAffinity(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const aff = optObject(value, path, errs);
  if (!aff) return errs;
  errs.push(...validateKnownFields(aff, AFFINITY_FIELDS, path));
  validateNodeAffinity(aff.nodeAffinity, child(path, 'nodeAffinity'), errs);
  validatePodAffinity(aff.podAffinity, child(path, 'podAffinity'), errs);
  validatePodAffinity(aff.podAntiAffinity, child(path, 'podAntiAffinity'), errs);
  return errs;
}

export function validateTopologySpreadConstraints(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (optArray(value, path, errs) ?? []).forEach((c, i) => {
    const cp = index(path, i);
    const tsc = optObject(c, cp, errs);
    if (!tsc) return;
    errs.push(...validateKnownFields(tsc, TOPOLOGY_SPREAD_FIELDS, cp));
    if (tsc.maxSkew === undefined) errs.push(required(child(cp, 'maxSkew')));
    else optInt(tsc.maxSkew, child(cp, 'maxSkew'), errs, { min: 1 });
    errs.push(...requiredName(tsc.topologyKey, child(cp, 'topologyKey'), isQualifiedName));
    if (tsc.whenUnsatisfiable === undefined) errs.push(required(child(cp, 'whenUnsatisfiable')));
    const when = optEnum(tsc.whenUnsatisfiable, child(cp, 'whenUnsatisfiable'), ['DoNotSchedule', 'ScheduleAnyway'], errs);
    if (tsc.minDomains !== undefined && tsc.minDomains !== null) {
      optInt(tsc.minDomains, child(cp, 'minDomains'), errs, { min: 1 });
      if (when === 'ScheduleAnyway') errs.push(invalid(child(cp, 'minDomains'), tsc.minDomains, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway'));
    }
    errs.push(...validateLabelSelector(tsc.labelSelector, child(cp, 'labelSelector')));
    optEnum(tsc.nodeAffinityPolicy, child(cp, 'nodeAffinityPolicy'), ['Honor', 'Ignore'], errs);
    optEnum(tsc.nodeTaintsPolicy, child(cp, 'nodeTaintsPolicy'), ['Honor', 'Ignore'], errs);
    for (const [k, v] of (optStringList(tsc.matchLabelKeys, child(cp, 'matchLabelKeys'), errs) ?? []).entries()) {
      errs.push(...problems(index(child(cp, 'matchLabelKeys'), k), v, isQualifiedName(v)));
    }
    // Two constraints on the same key and mode would contradict or repeat each other.
    const pair = `${String(tsc.topologyKey)}/${String(tsc.whenUnsatisfiable)}`;
    if (seen.has(pair)) errs.push(duplicate(cp, `{${String(tsc.topologyKey)}, ${String(tsc.whenUnsatisfiable)}}`));
    seen.add(pair);
  });
  return errs;
}
