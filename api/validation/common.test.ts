import { describe, it, expect } from '@jest/globals';
import type { FieldError } from '../errors.js';
import {
  isCIdentifier, isDns1123Label, isDns1123Subdomain, isEnvVarName, isIANASvcName, isQualifiedName, isValidLabelValue,
  isValidPortNum, validateAnnotations, validateKnownFields, validateLabelSelector, validateLabels, validateNonNegativeQuantity,
  validateObjectMeta, validateQuantity,
} from './common.js';

// Kubernetes' exact wording, written out here so a change in the implementation shows up as a failure.
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QNAME =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const C_IDENT =
  "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')";
const ENV =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

type Check = (v: string) => string[];
const table = (fn: Check, cases: [string, string[]][]) =>
  it.each(cases)('%p -> %j', (input, want) => {
    expect(fn(input)).toEqual(want);
  });

describe('isDns1123Subdomain', () => table(isDns1123Subdomain, [
  ['a', []],
  ['example.com', []],
  ['1-2.a-b.c', []],
  ['a'.repeat(253), []],
  ['', [SUBDOMAIN]],
  ['Example.com', [SUBDOMAIN]],
  ['-a', [SUBDOMAIN]],
  ['a-', [SUBDOMAIN]],
  ['a..b', [SUBDOMAIN]],
  ['a_b', [SUBDOMAIN]],
  ['a'.repeat(254), ['must be no more than 253 characters']],
]));

describe('isDns1123Label', () => table(isDns1123Label, [
  ['a', []],
  ['my-name', []],
  ['123-abc', []],
  ['a'.repeat(63), []],
  ['a.b', ['must not contain dots']],
  ['a'.repeat(64), ['must be no more than 63 characters']],
  ['A', [LABEL]],
  ['', [LABEL]],
  ['a_b', [LABEL]],
]));

describe('isQualifiedName', () => table(isQualifiedName, [
  ['MyName', []],
  ['my.name', []],
  ['123-abc', []],
  ['a_b', []],
  ['example.com/MyName', []],
  [`example.com/${'a'.repeat(63)}`, []],
  ['', ['name part must be non-empty', `name part ${QNAME}`]],
  ['-a', [`name part ${QNAME}`]],
  ['a b', [`name part ${QNAME}`]],
  ['a'.repeat(64), ['name part must be no more than 63 characters']],
  ['/a', ['prefix part must be non-empty']],
  ['a/', ['name part must be non-empty', `name part ${QNAME}`]],
  ['Example.com/a', [`prefix part ${SUBDOMAIN}`]],
  ['a/b/c', [`a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
]));

describe('isValidLabelValue', () => table(isValidLabelValue, [
  ['', []],
  ['MyValue', []],
  ['my_value', []],
  ['12345', []],
  ['a'.repeat(63), []],
  ['a'.repeat(64), ['must be no more than 63 characters']],
  ['-a', [LABEL_VALUE]],
  ['a-', [LABEL_VALUE]],
  ['a b', [LABEL_VALUE]],
  ['a/b', [LABEL_VALUE]],
]));

describe('isCIdentifier', () => table(isCIdentifier, [
  ['my_name', []],
  ['MY_NAME', []],
  ['_x1', []],
  ['1a', [C_IDENT]],
  ['a-b', [C_IDENT]],
  ['', [C_IDENT]],
]));

describe('isEnvVarName', () => table(isEnvVarName, [
  ['my.env-name', []],
  ['MY_ENV.NAME', []],
  ['MyEnvName1', []],
  ['-x', []],
  ['.x', []],
  ['1a', [ENV]],
  ['a b', [ENV]],
  ['', [ENV]],
  ['.', ["must not be '.'"]],
  ['..', ["must not be '..'"]],
  ['..a', ["must not start with '..'"]],
]));

describe('isValidPortNum', () => {
  it.each([1, 80, 65535])('%p is a port', (n) => expect(isValidPortNum(n)).toEqual([]));
  it.each([0, -1, 65536, 1.5, NaN])('%p is not', (n) => expect(isValidPortNum(n)).toEqual(['must be between 1 and 65535, inclusive']));
});

describe('isIANASvcName', () => table(isIANASvcName, [
  ['http', []],
  ['h2c', []],
  ['web-80', []],
  ['a'.repeat(15), []],
  ['a'.repeat(16), ['must be no more than 15 characters']],
  ['8080', ['must contain at least one letter (a-z)']],
  ['HTTP', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
  ['http_x', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
  ['a--b', ['must not contain consecutive hyphens']],
  ['-http', ['must not begin or end with a hyphen']],
  ['http-', ['must not begin or end with a hyphen']],
  ['', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
]));

const paths = (errs: FieldError[]) => errs.map((e) => e.path);

describe('validateLabels', () => {
  it.each([undefined, null, {}, { app: 'web', 'example.com/tier': 'front', empty: '' }])('accepts %j', (labels) => {
    expect(validateLabels(labels, 'metadata.labels')).toEqual([]);
  });

  it.each([
    [{ '-a': 'x' }, { path: 'metadata.labels', type: 'FieldValueInvalid', message: `Invalid value: "-a": name part ${QNAME}` }],
    [{ app: 'a b' }, { path: 'metadata.labels', type: 'FieldValueInvalid', message: `Invalid value: "a b": ${LABEL_VALUE}` }],
    [{ app: 1 }, { path: 'metadata.labels[app]', type: 'FieldValueInvalid', message: 'Invalid value: 1: must be a string' }],
    ['app=web', { path: 'metadata.labels', type: 'FieldValueInvalid', message: 'Invalid value: "app=web": must be an object of string keys to string values' }],
    [['a'], { path: 'metadata.labels', type: 'FieldValueInvalid', message: 'Invalid value: ["a"]: must be an object of string keys to string values' }],
  ])('rejects %j', (labels, error) => {
    expect(validateLabels(labels, 'metadata.labels')).toEqual([error]);
  });
});

describe('validateAnnotations', () => {
  const limit = 256 * 1024;
  it.each([
    [{ 'Example.com/Key': 'keys are case-insensitive' }],
    [{ note: 'free text, with = and spaces' }],
    [{ a: 'x'.repeat(limit - 1) }], // exactly the limit, counting the key
  ])('accepts %#', (annotations) => {
    expect(validateAnnotations(annotations, 'metadata.annotations')).toEqual([]);
  });

  it('rejects bad keys and non-string values', () => {
    expect(validateAnnotations({ 'a/b/c': 'x', ok: 5 }, 'metadata.annotations')).toEqual([
      { path: 'metadata.annotations[ok]', type: 'FieldValueInvalid', message: 'Invalid value: 5: must be a string' },
      expect.objectContaining({ path: 'metadata.annotations', message: expect.stringContaining('Invalid value: "a/b/c": a qualified name') }),
    ]);
  });

  it.each([
    [{ a: 'x'.repeat(limit) }],
    [{ a: 'x'.repeat(limit / 2), b: 'y'.repeat(limit / 2) }],
    [{ a: 'é'.repeat(limit / 2) }], // two UTF-8 bytes each: the limit is in bytes, not characters
  ])('reports more than 256 KiB in total as too long (%#)', (annotations) => {
    expect(validateAnnotations(annotations, 'metadata.annotations')).toEqual([
      { path: 'metadata.annotations', type: 'FieldValueTooLong', message: 'Too long: must have at most 262144 bytes' },
    ]);
  });
});

describe('validateObjectMeta', () => {
  const namespaced = { namespaced: true, nameValidator: isDns1123Subdomain };
  const cluster = { namespaced: false, nameValidator: isDns1123Label };

  it.each([
    [namespaced, { name: 'web', namespace: 'default' }],
    [namespaced, { name: 'web-abc12', generateName: 'web-', namespace: 'default', uid: 'u', resourceVersion: '5', generation: 2 }],
    [cluster, { name: 'node-1', labels: { zone: 'a' }, annotations: { note: 'x' } }],
    [namespaced, {
      name: 'rs-1', namespace: 'ns', finalizers: ['example.com/cleanup', 'foregroundDeletion'],
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u1', controller: true, blockOwnerDeletion: true },
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u2', controller: false },
      ],
    }],
  ])('accepts %#', (opts, meta) => {
    expect(validateObjectMeta(meta, opts)).toEqual([]);
  });

  const cases: [string, typeof namespaced, unknown, Partial<FieldError>[]][] = [
    ['missing metadata', namespaced, undefined, [{ path: 'metadata', type: 'FieldValueRequired' }]],
    ['non-object metadata', namespaced, 'web', [{ path: 'metadata', type: 'FieldValueInvalid' }]],
    ['missing name', namespaced, { namespace: 'default' },
      [{ path: 'metadata.name', type: 'FieldValueRequired', message: 'Required value: name or generateName is required' }]],
    ['generateName alone is not enough here', namespaced, { generateName: 'web-', namespace: 'default' }, [{ path: 'metadata.name', type: 'FieldValueRequired' }]],
    ['name failing the kind rule', namespaced, { name: 'Web', namespace: 'default' },
      [{ path: 'metadata.name', type: 'FieldValueInvalid', message: `Invalid value: "Web": ${SUBDOMAIN}` }]],
    ['dotted name for a label-named kind', cluster, { name: 'a.b' }, [{ path: 'metadata.name', message: 'Invalid value: "a.b": must not contain dots' }]],
    ['bad generateName', namespaced, { name: 'x', generateName: 'Web-', namespace: 'default' }, [{ path: 'metadata.generateName', type: 'FieldValueInvalid' }]],
    ['non-string name', namespaced, { name: 5, namespace: 'default' },
      [{ path: 'metadata.name', message: 'Invalid value: 5: must be a string' }, { path: 'metadata.name', type: 'FieldValueRequired' }]],
    ['missing namespace', namespaced, { name: 'web' }, [{ path: 'metadata.namespace', type: 'FieldValueRequired', message: 'Required value' }]],
    ['dotted namespace', namespaced, { name: 'web', namespace: 'a.b' }, [{ path: 'metadata.namespace', message: 'Invalid value: "a.b": must not contain dots' }]],
    ['namespace on a cluster kind', cluster, { name: 'n', namespace: 'default' },
      [{ path: 'metadata.namespace', type: 'FieldValueForbidden', message: 'Forbidden: not allowed on this type' }]],
    ['unknown field', namespaced, { name: 'web', namespace: 'd', nmae: 'x' }, [{ path: 'metadata.nmae', type: 'FieldValueInvalid', message: 'unknown field "nmae"' }]],
    ['negative generation', namespaced, { name: 'web', namespace: 'd', generation: -1 },
      [{ path: 'metadata.generation', message: 'Invalid value: -1: must be greater than or equal to 0' }]],
    ['bad label', namespaced, { name: 'web', namespace: 'd', labels: { app: '-x' } }, [{ path: 'metadata.labels' }]],
    ['bad annotation', namespaced, { name: 'web', namespace: 'd', annotations: { '': 'x' } }, [{ path: 'metadata.annotations' }, { path: 'metadata.annotations' }]],
    ['bad finalizer', namespaced, { name: 'web', namespace: 'd', finalizers: ['a/b/c'] }, [{ path: 'metadata.finalizers' }]],
    ['non-string finalizer', namespaced, { name: 'web', namespace: 'd', finalizers: [1] }, [{ path: 'metadata.finalizers[0]' }]],
    ['opposite finalizers', namespaced, { name: 'web', namespace: 'd', finalizers: ['orphan', 'foregroundDeletion'] },
      [{ path: 'metadata.finalizers', message: 'Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set' }]],
    ['incomplete owner reference', namespaced, { name: 'web', namespace: 'd', ownerReferences: [{ apiVersion: 'apps/', kind: 'ReplicaSet' }] }, [
      { path: 'metadata.ownerReferences[0].apiVersion', message: 'Invalid value: "apps/": version must not be empty' },
      { path: 'metadata.ownerReferences[0].name', message: 'Invalid value: "": name must not be empty' },
      { path: 'metadata.ownerReferences[0].uid', message: 'Invalid value: "": uid must not be empty' },
    ]],
    ['owner reference with unknown field', namespaced, {
      name: 'web', namespace: 'd', ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: 'n', uid: 'u', contoller: true }],
    }, [{ path: 'metadata.ownerReferences[0].contoller', message: 'unknown field "contoller"' }]],
    ['two controllers', namespaced, {
      name: 'web', namespace: 'd', ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
      ],
    }, [{
      path: 'metadata.ownerReferences',
      message: expect.stringContaining('Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b') as unknown as string,
    }]],
    ['owner references not a list', namespaced, { name: 'web', namespace: 'd', ownerReferences: {} }, [{ path: 'metadata.ownerReferences' }]],
  ];
  it.each(cases)('%s', (_name, opts, meta, want) => {
    const errs = validateObjectMeta(meta, opts);
    expect(errs).toHaveLength(want.length);
    want.forEach((w, i) => expect(errs[i]).toMatchObject(w));
  });

  it('reports under the path it is given', () => {
    expect(paths(validateObjectMeta({ labels: { '-': 'x' } }, { namespaced: false, nameValidator: isDns1123Label }, 'spec.template.metadata')))
      .toEqual(['spec.template.metadata.name', 'spec.template.metadata.labels']);
  });
});

describe('validateQuantity / validateNonNegativeQuantity', () => {
  it.each(['1Gi', '500m', 2, 0.5, '0', '-1'])('%p is a quantity', (q) => expect(validateQuantity(q, 'spec.cpu')).toEqual([]));

  it.each([
    ['12x', "Invalid value: \"12x\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['1ki', 'Invalid value: "1ki": unable to parse quantity\'s suffix'],
    [true, 'Invalid value: true: must be a quantity string or number'],
    [{}, 'Invalid value: {}: must be a quantity string or number'],
  ])('%p is not', (q, message) => {
    expect(validateQuantity(q, 'spec.cpu')).toEqual([{ path: 'spec.cpu', type: 'FieldValueInvalid', message }]);
  });

  it('an absent quantity is required', () => {
    expect(validateQuantity(undefined, 'spec.cpu')).toEqual([{ path: 'spec.cpu', type: 'FieldValueRequired', message: 'Required value' }]);
  });

  it.each(['0', '1', '0.001', 3])('%p is non-negative', (q) => expect(validateNonNegativeQuantity(q, 'x')).toEqual([]));
  it.each(['-1', '-1m', -2])('%p is negative', (q) => {
    expect(validateNonNegativeQuantity(q, 'x')).toEqual([
      { path: 'x', type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(q)}: must be greater than or equal to 0` },
    ]);
  });
  it('passes parse errors through', () => {
    expect(paths(validateNonNegativeQuantity('abc', 'x'))).toEqual(['x']);
  });
});

describe('validateLabelSelector', () => {
  const p = 'spec.selector';
  it.each([
    undefined,
    {},
    { matchLabels: { app: 'web' } },
    { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'x.io/y', operator: 'DoesNotExist' }] },
    { matchExpressions: [{ key: 'tier', operator: 'Exists', values: [] }] },
  ])('accepts %j', (sel) => expect(validateLabelSelector(sel, p)).toEqual([]));

  const cases: [unknown, Partial<FieldError>[]][] = [
    ['app=web', [{ path: p, type: 'FieldValueInvalid' }]],
    [{ matchLabel: { app: 'web' } }, [{ path: `${p}.matchLabel`, message: 'unknown field "matchLabel"' }]],
    [{ matchLabels: { app: '-web' } }, [{ path: `${p}.matchLabels`, message: `Invalid value: "-web": ${LABEL_VALUE}` }]],
    [{ matchExpressions: { key: 'a' } }, [{ path: `${p}.matchExpressions`, type: 'FieldValueInvalid' }]],
    [{ matchExpressions: ['a'] }, [{ path: `${p}.matchExpressions[0]`, type: 'FieldValueInvalid' }]],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] },
      [{ path: `${p}.matchExpressions[0].values`, type: 'FieldValueRequired', message: "Required value: must be specified when `operator` is 'In' or 'NotIn'" }]],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] }, [{ path: `${p}.matchExpressions[0].values`, type: 'FieldValueRequired' }]],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      [{ path: `${p}.matchExpressions[0].values`, type: 'FieldValueForbidden', message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'" }]],
    [{ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] },
      [{ path: `${p}.matchExpressions[0].operator`, message: 'Invalid value: "Equals": not a valid selector operator' }]],
    [{ matchExpressions: [{ key: 'a' }] }, [{ path: `${p}.matchExpressions[0].operator`, message: 'Invalid value: "": not a valid selector operator' }]],
    [{ matchExpressions: [{ key: 'bad key', operator: 'Exists' }] }, [{ path: `${p}.matchExpressions[0].key`, message: `Invalid value: "bad key": name part ${QNAME}` }]],
    [{ matchExpressions: [{ operator: 'Exists' }] }, [
      { path: `${p}.matchExpressions[0].key`, message: 'Invalid value: "": name part must be non-empty' },
      { path: `${p}.matchExpressions[0].key`, message: `Invalid value: "": name part ${QNAME}` },
    ]],
    [{ matchExpressions: [{ key: 7, operator: 'Exists' }] }, [{ path: `${p}.matchExpressions[0].key`, message: 'Invalid value: 7: must be a string' }]],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', 'no way'] }] },
      [{ path: `${p}.matchExpressions[0].values[1]`, message: `Invalid value: "no way": ${LABEL_VALUE}` }]],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [3] }] }, [{ path: `${p}.matchExpressions[0].values[0]`, message: 'Invalid value: 3: must be a string' }]],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['x'], value: 'y' }] }, [{ path: `${p}.matchExpressions[0].value`, message: 'unknown field "value"' }]],
  ];
  it.each(cases)('rejects %j', (sel, want) => {
    const errs = validateLabelSelector(sel, p);
    expect(errs).toHaveLength(want.length);
    want.forEach((w, i) => expect(errs[i]).toMatchObject(w));
  });
});

describe('validateKnownFields', () => {
  it('reports each unknown key at its own path', () => {
    expect(validateKnownFields({ a: 1, b: 2, c: undefined }, ['a'], 'spec')).toEqual([
      { path: 'spec.b', type: 'FieldValueInvalid', message: 'unknown field "b"' },
      { path: 'spec.c', type: 'FieldValueInvalid', message: 'unknown field "c"' },
    ]);
  });
  it('works at the top level', () => {
    expect(validateKnownFields({ kind: 'Pod', spce: {} }, ['kind', 'spec'], '')).toEqual([
      { path: 'spce', type: 'FieldValueInvalid', message: 'unknown field "spce"' },
    ]);
  });
  it('accepts objects with only known keys', () => {
    expect(validateKnownFields({}, ['a'], 'x')).toEqual([]);
    expect(validateKnownFields({ a: 1 }, ['a', 'b'], 'x')).toEqual([]);
  });
});
