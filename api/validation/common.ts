/**
 * Validation shared by every kind: name rules, labels, annotations, object metadata, quantities and selectors.
 * The `is*` checks return problem strings (empty when valid); the `validate*` ones return FieldErrors.
 * Messages are Kubernetes' own so that users and tooling see familiar text.
 */
import { type FieldError, forbidden, invalid, required, tooLong } from '../errors.js';
import { isObject } from '../meta.js';
import { QuantityError, parseQuantity } from '../quantity.js';

// ---- message builders (k8s.io/apimachinery/pkg/util/validation) ----

const emptyError = (): string => 'must be non-empty';
const maxLenError = (length: number): string => `must be no more than ${length} characters`;
const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // The doubled space before "or" is Kubernetes' own formatting, kept so messages compare equal.
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** Byte length as Kubernetes counts it (Go strings are UTF-8). */
const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

// ---- name formats ----

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const DNS1123_LABEL_MAX_LENGTH = 63;
const dns1123LabelRe = new RegExp(`^${DNS1123_LABEL_FMT}$`);

const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
const dns1123SubdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QNAME_MAX_LENGTH = 63;
const qnameRe = new RegExp(`^${QNAME_FMT}$`);

const LABEL_VALUE_FMT = `(${QNAME_FMT})?`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const LABEL_VALUE_MAX_LENGTH = 63;
const labelValueRe = new RegExp(`^${LABEL_VALUE_FMT}$`);

const C_IDENTIFIER_FMT = '[A-Za-z_][A-Za-z0-9_]*';
const C_IDENTIFIER_MSG =
  "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";
const cIdentifierRe = new RegExp(`^${C_IDENTIFIER_FMT}$`);

const ENV_VAR_NAME_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const ENV_VAR_NAME_MSG =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";
const envVarNameRe = new RegExp(`^${ENV_VAR_NAME_FMT}$`);

/** Total bytes of all annotation keys and values on one object. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function isDns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRe.test(value)) {
    // A valid subdomain that is not a valid label (length already checked) can only be failing on its dots.
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** Label and annotation keys: `name` or `dns.subdomain/name`. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  if (parts.length > 2) {
    return [
      `a qualified name ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDns1123Subdomain(prefix).map((msg) => `prefix part ${msg}`));
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (name.length > QNAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QNAME_MAX_LENGTH)}`);
  if (!qnameRe.test(name)) errs.push(`name part ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRe.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

export function isCIdentifier(value: string): string[] {
  return cIdentifierRe.test(value) ? [] : [regexError(C_IDENTIFIER_MSG, C_IDENTIFIER_FMT, 'my_name', 'MY_NAME', 'MyName')];
}

/** Container env var names: looser than C identifiers (dots and dashes allowed) but never a relative path. */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!envVarNameRe.test(value)) errs.push(regexError(ENV_VAR_NAME_MSG, ENV_VAR_NAME_FMT, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  if (value === '.') errs.push("must not be '.'");
  else if (value === '..') errs.push("must not be '..'");
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** Port names (IANA service names): referenced by name from Services and probes. */
export function isIANASvcName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}
/** Kubernetes' own name for the same check. */
export const isValidPortName = isIANASvcName;

// ---- field paths ----

export function childPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}
export function keyPath(path: string, key: string): string {
  return `${path}[${key}]`;
}

// ---- FieldError validators ----

/** Strict decoding: every key not in `allowed` is reported at its own path. */
export function validateKnownFields(obj: Record<string, unknown>, allowed: readonly string[], path: string): FieldError[] {
  const known = new Set(allowed);
  return Object.keys(obj)
    .filter((key) => !known.has(key))
    .map((key) => ({ path: childPath(path, key), type: 'FieldValueInvalid' as const, message: `unknown field "${key}"` }));
}

/** Checks a map of string keys to string values; returns the entries, or null (with errors pushed) when the shape is wrong. */
function stringMap(value: unknown, path: string, errs: FieldError[]): [string, string][] | null {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) {
    errs.push(invalid(path, value, 'must be an object of string keys to string values'));
    return null;
  }
  const entries: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') entries.push([k, v]);
    else errs.push(invalid(keyPath(path, k), v, 'must be a string'));
  }
  return entries;
}

export function validateLabelName(key: string, path: string): FieldError[] {
  return isQualifiedName(key).map((msg) => invalid(path, key, msg));
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of stringMap(labels, path, errs) ?? []) {
    errs.push(...validateLabelName(k, path));
    errs.push(...isValidLabelValue(v).map((msg) => invalid(path, v, msg)));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const entries = stringMap(annotations, path, errs);
  if (!entries) return errs;
  let size = 0;
  for (const [k, v] of entries) {
    // Annotation keys are qualified names except that case does not matter.
    errs.push(...isQualifiedName(k.toLowerCase()).map((msg) => invalid(path, k, msg)));
    size += byteLength(k) + byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** Every ObjectMeta field Kubernetes decodes; anything else is an unknown field. */
export const OBJECT_META_FIELDS = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
] as const;
const OWNER_REFERENCE_FIELDS = ['apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion'] as const;
const STRING_META_FIELDS = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp'] as const;

const FINALIZER_ORPHAN = 'orphan';
const FINALIZER_FOREGROUND = 'foregroundDeletion';

export interface ObjectMetaOptions {
  namespaced: boolean;
  /** Problems with a name, e.g. isDns1123Subdomain or isDns1123Label. */
  nameValidator: (name: string) => string[];
}

/**
 * ObjectMeta rules common to every kind. The registry has already turned generateName into a name,
 * so a name is always required here.
 */
export function validateObjectMeta(meta: unknown, opts: ObjectMetaOptions, path = 'metadata'): FieldError[] {
  if (meta === undefined || meta === null) return [required(path)];
  if (!isObject(meta)) return [invalid(path, meta, 'must be an object')];
  const errs = validateKnownFields(meta, OBJECT_META_FIELDS, path);

  for (const f of STRING_META_FIELDS) {
    const v = meta[f];
    if (v !== undefined && v !== null && typeof v !== 'string') errs.push(invalid(childPath(path, f), v, 'must be a string'));
  }
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');

  const generateName = str(meta.generateName);
  if (generateName) {
    // A prefix may end in '-' because random characters follow it.
    const masked = generateName.endsWith('-') ? `${generateName.slice(0, -1)}a` : generateName;
    errs.push(...opts.nameValidator(masked).map((msg) => invalid(childPath(path, 'generateName'), generateName, msg)));
  }
  const name = str(meta.name);
  if (!name) errs.push(required(childPath(path, 'name'), 'Required value: name or generateName is required'));
  else errs.push(...opts.nameValidator(name).map((msg) => invalid(childPath(path, 'name'), name, msg)));

  const namespace = str(meta.namespace);
  const nsPath = childPath(path, 'namespace');
  if (opts.namespaced) {
    if (!namespace) errs.push(required(nsPath));
    else errs.push(...isDns1123Label(namespace).map((msg) => invalid(nsPath, namespace, msg)));
  } else if (namespace) {
    errs.push(forbidden(nsPath, 'not allowed on this type'));
  }

  if (meta.generation !== undefined && meta.generation !== null) {
    const g = meta.generation;
    if (typeof g !== 'number' || !Number.isInteger(g)) errs.push(invalid(childPath(path, 'generation'), g, 'must be an integer'));
    else if (g < 0) errs.push(invalid(childPath(path, 'generation'), g, 'must be greater than or equal to 0'));
  }

  errs.push(...validateLabels(meta.labels, childPath(path, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, childPath(path, 'annotations')));
  errs.push(...validateFinalizers(meta.finalizers, childPath(path, 'finalizers')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, childPath(path, 'ownerReferences')));
  return errs;
}

export function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  if (finalizers === undefined || finalizers === null) return [];
  if (!Array.isArray(finalizers)) return [invalid(path, finalizers, 'must be a list of strings')];
  const errs: FieldError[] = [];
  finalizers.forEach((f: unknown, i) => {
    if (typeof f !== 'string') errs.push(invalid(indexPath(path, i), f, 'must be a string'));
    else errs.push(...isQualifiedName(f).map((msg) => invalid(path, f, msg)));
  });
  // Orphaning and foreground deletion are opposite garbage-collection policies.
  if (finalizers.includes(FINALIZER_ORPHAN) && finalizers.includes(FINALIZER_FOREGROUND)) {
    errs.push(invalid(path, finalizers, `finalizer ${FINALIZER_ORPHAN} and ${FINALIZER_FOREGROUND} cannot be both set`));
  }
  return errs;
}

export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  if (refs === undefined || refs === null) return [];
  if (!Array.isArray(refs)) return [invalid(path, refs, 'must be a list of owner references')];
  const errs: FieldError[] = [];
  let firstController = '';
  refs.forEach((ref: unknown, i) => {
    const p = indexPath(path, i);
    if (!isObject(ref)) {
      errs.push(invalid(p, ref, 'must be an object'));
      return;
    }
    errs.push(...validateKnownFields(ref, OWNER_REFERENCE_FIELDS, p));
    const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : '';
    // 'v1' or 'group/v1': the version is what follows the last slash.
    if (!apiVersion.slice(apiVersion.lastIndexOf('/') + 1)) errs.push(invalid(childPath(p, 'apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
    for (const f of ['kind', 'name', 'uid'] as const) {
      if (typeof ref[f] !== 'string' || ref[f] === '') errs.push(invalid(childPath(p, f), ref[f] ?? '', `${f} must not be empty`));
    }
    for (const f of ['controller', 'blockOwnerDeletion'] as const) {
      if (ref[f] !== undefined && ref[f] !== null && typeof ref[f] !== 'boolean') errs.push(invalid(childPath(p, f), ref[f], 'must be a boolean'));
    }
    if (ref.controller === true) {
      const current = `${String(ref.kind)}/${String(ref.name)}`;
      if (firstController) {
        errs.push(invalid(path, refs,
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else {
        firstController = current;
      }
    }
  });
  return errs;
}

// ---- quantities ----

export function validateQuantity(value: unknown, path: string): FieldError[] {
  if (value === undefined || value === null) return [required(path)];
  if (typeof value !== 'string' && typeof value !== 'number') return [invalid(path, value, 'must be a quantity string or number')];
  try {
    parseQuantity(value);
    return [];
  } catch (e) {
    if (e instanceof QuantityError) return [invalid(path, value, e.message)];
    throw e;
  }
}

export function validateNonNegativeQuantity(value: unknown, path: string): FieldError[] {
  const errs = validateQuantity(value, path);
  if (errs.length) return errs;
  // validateQuantity accepted it, so it is a string or number that parses.
  if (parseQuantity(value as string | number).milli < 0n) return [invalid(path, value, 'must be greater than or equal to 0')];
  return [];
}

// ---- label selector (object form) ----

const LABEL_SELECTOR_FIELDS = ['matchLabels', 'matchExpressions'] as const;
const LABEL_SELECTOR_REQUIREMENT_FIELDS = ['key', 'operator', 'values'] as const;

export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  if (sel === undefined || sel === null) return [];
  if (!isObject(sel)) return [invalid(path, sel, 'must be an object')];
  const errs = validateKnownFields(sel, LABEL_SELECTOR_FIELDS, path);
  errs.push(...validateLabels(sel.matchLabels, childPath(path, 'matchLabels')));

  const exprs = sel.matchExpressions;
  const exprsPath = childPath(path, 'matchExpressions');
  if (exprs === undefined || exprs === null) return errs;
  if (!Array.isArray(exprs)) return [...errs, invalid(exprsPath, exprs, 'must be a list of label selector requirements')];
  exprs.forEach((expr: unknown, i) => errs.push(...validateLabelSelectorRequirement(expr, indexPath(exprsPath, i))));
  return errs;
}

function validateLabelSelectorRequirement(expr: unknown, path: string): FieldError[] {
  if (!isObject(expr)) return [invalid(path, expr, 'must be an object')];
  const errs = validateKnownFields(expr, LABEL_SELECTOR_REQUIREMENT_FIELDS, path);
  const valuesPath = childPath(path, 'values');
  let values: unknown[] = [];
  if (Array.isArray(expr.values)) values = expr.values;
  else if (expr.values !== undefined && expr.values !== null) errs.push(invalid(valuesPath, expr.values, 'must be a list of strings'));

  switch (expr.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(valuesPath, "Required value: must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(invalid(childPath(path, 'operator'), expr.operator ?? '', 'not a valid selector operator'));
  }

  const key = expr.key ?? '';
  if (typeof key !== 'string') errs.push(invalid(childPath(path, 'key'), key, 'must be a string'));
  else errs.push(...validateLabelName(key, childPath(path, 'key')));

  values.forEach((v, i) => {
    const p = indexPath(valuesPath, i);
    if (typeof v !== 'string') errs.push(invalid(p, v, 'must be a string'));
    else errs.push(...isValidLabelValue(v).map((msg) => invalid(p, v, msg)));
  });
  return errs;
}
