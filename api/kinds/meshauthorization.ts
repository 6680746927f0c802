/**
 * MeshAuthorization (mesh.cairn.dev/v1alpha1): which callers may reach one Service (`destination` form), or what a
 * namespace does with calls no policy covers (`default` form).
 */
import { forbidden, invalid, type FieldError } from '../errors.js';
import type { MeshAuthorization } from '../types/mesh.js';
import { isDns1123Label, isDns1123Subdomain } from '../validation/common.js';
import { exactlyOne, isSet, meshStrategy, optMethods, optStruct, optUniqueList, requiredService, setFields } from './mesh-fields.js';
import { child, index, optArray, optEnum, optName, requiredBecause, type Fields } from './util.js';

const SPEC_FIELDS = ['destination', 'action', 'sources', 'rules', 'default'] as const;
const DESTINATION_ONLY = ['action', 'sources', 'rules'] as const;
export const MESH_ACTIONS = ['Allow', 'Deny'] as const;

function validateSource(value: unknown, path: string, errs: FieldError[]): void {
  const src = optStruct(value, path, ['serviceAccount', 'namespace'], errs);
  if (!src) {
    if (!isSet(value)) errs.push(requiredBecause(path, 'set `serviceAccount`, `namespace` or both'));
    return;
  }
  if (!setFields(src, ['serviceAccount', 'namespace']).length) errs.push(requiredBecause(path, 'set `serviceAccount`, `namespace` or both'));
  errs.push(...optName(src.serviceAccount, child(path, 'serviceAccount'), isDns1123Subdomain));
  errs.push(...optName(src.namespace, child(path, 'namespace'), isDns1123Label));
}

/** Exact paths, or prefixes written as a trailing `*` (`/api/*`); a `*` anywhere else is a mistake. */
function validatePath(value: unknown, path: string, errs: FieldError[]): void {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    errs.push(invalid(path, value, 'must be an absolute path starting with "/", optionally ending in "*" to match a prefix (e.g. "/api/*")'));
  } else if (value.slice(0, -1).includes('*')) {
    errs.push(invalid(path, value, '"*" is only allowed as the last character, to match a prefix (e.g. "/api/*")'));
  }
}

function validateDestinationForm(spec: Fields, errs: FieldError[]): void {
  const dest = optStruct(spec.destination, 'spec.destination', ['service'], errs);
  if (dest) requiredService(dest.service, 'spec.destination.service', errs);
  if (!isSet(spec.action)) errs.push(requiredBecause('spec.action', `choose ${MESH_ACTIONS.join(' or ')}`));
  optEnum(spec.action, 'spec.action', MESH_ACTIONS, errs);
  const sources = optArray(spec.sources, 'spec.sources', errs);
  if (!isSet(spec.sources) || sources?.length === 0) {
    errs.push(requiredBecause('spec.sources', 'list at least one source ({serviceAccount, namespace})'));
  }
  (sources ?? []).forEach((s, i) => validateSource(s, index('spec.sources', i), errs));
  (optArray(spec.rules, 'spec.rules', errs) ?? []).forEach((r, i) => {
    const rp = index('spec.rules', i);
    const rule = optStruct(r, rp, ['paths', 'methods'], errs);
    if (!rule) return;
    optUniqueList(rule.paths, child(rp, 'paths'), errs, (p, pp) => validatePath(p, pp, errs));
    optMethods(rule.methods, child(rp, 'methods'), errs);
  });
}

function validateSpec(spec: Fields, errs: FieldError[]): void {
  const form = exactlyOne(spec, ['destination', 'default'], 'spec', errs);
  if (form === 'destination') return validateDestinationForm(spec, errs);
  if (form !== 'default') return;
  optEnum(spec.default, 'spec.default', MESH_ACTIONS, errs);
  for (const f of setFields(spec, DESTINATION_ONLY)) {
    errs.push(forbidden(child('spec', f), 'a namespace default (`default`) applies to every caller; move this into a policy with `destination`'));
  }
}

export const meshAuthorizationStrategy = meshStrategy<MeshAuthorization>(SPEC_FIELDS, validateSpec);
