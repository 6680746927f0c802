/** Container `resources`: known resource names, non-negative quantities, requests within limits. */
import { invalid, required, type FieldError } from '../errors.js';
import { quantityToMilli } from '../quantity.js';
import { isQualifiedName, validateKnownFields, validateNonNegativeQuantity } from '../validation/common.js';
import { RESOURCE_REQUIREMENTS_FIELDS } from './pod-fields.js';
import { child, index, key, optArray, optObject, optString, type Fields, requiredBecause } from './util.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Native resources live in the kubernetes.io namespace (or have no prefix); everything else is extended. */
function isNative(name: string): boolean {
  if (!name.includes('/')) return true;
  const prefix = name.slice(0, name.indexOf('/'));
  return prefix === 'kubernetes.io' || prefix.endsWith('.kubernetes.io');
}

/** Only native, non-hugepage resources may be requested below their limit. */
function isOvercommitAllowed(name: string): boolean {
  return isNative(name) && !isHugePages(name);
}

export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const bad = isQualifiedName(name);
  if (bad.length) return bad.map((m) => invalid(path, name, m));
  if (!name.includes('/')) {
    if (STANDARD_CONTAINER_RESOURCES.has(name)) return [];
    if (isHugePages(name) && /^hugepages-[0-9]+(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.test(name)) return [];
    return [invalid(path, name, 'must be a standard resource for containers (cpu, memory, ephemeral-storage, hugepages-<size>) or a domain-prefixed extended resource such as example.com/gpu')];
  }
  return [];
}

function milli(q: unknown): bigint | undefined {
  try {
    return typeof q === 'string' || typeof q === 'number' ? quantityToMilli(q) : undefined;
  } catch {
    return undefined; // already reported by the quantity check
  }
}

function validateResourceList(list: Fields, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, q] of Object.entries(list)) {
    errs.push(...validateContainerResourceName(name, key(path, name)));
    errs.push(...validateNonNegativeQuantity(q, key(path, name)));
  }
  return errs;
}

export function validateResourceRequirements(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const res = optObject(value, path, errs);
  if (!res) return errs;
  errs.push(...validateKnownFields(res, RESOURCE_REQUIREMENTS_FIELDS, path));
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = optObject(res.limits, limPath, errs) ?? {};
  const requests = optObject(res.requests, reqPath, errs) ?? {};
  errs.push(...validateResourceList(limits, limPath), ...validateResourceList(requests, reqPath));

  for (const [name, q] of Object.entries(requests)) {
    const limit = limits[name];
    if (limit === undefined) {
      if (!isOvercommitAllowed(name)) errs.push(requiredBecause(limPath, `Limit must be set for non overcommitable resources (${name})`));
      continue;
    }
    const r = milli(q);
    const l = milli(limit);
    if (r === undefined || l === undefined) continue;
    if (!isOvercommitAllowed(name) && r !== l) errs.push(invalid(reqPath, String(q), `must be equal to ${name} limit of ${String(limit)}`));
    else if (r > l) errs.push(invalid(reqPath, String(q), `must be less than or equal to ${name} limit of ${String(limit)}`));
  }

  (optArray(res.claims, child(path, 'claims'), errs) ?? []).forEach((c, i) => {
    const cp = index(child(path, 'claims'), i);
    const claim = optObject(c, cp, errs);
    if (!claim) return;
    errs.push(...validateKnownFields(claim, ['name', 'request'], cp));
    if (!optString(claim.name, child(cp, 'name'), errs)) errs.push(required(child(cp, 'name')));
    optString(claim.request, child(cp, 'request'), errs);
  });
  return errs;
}
