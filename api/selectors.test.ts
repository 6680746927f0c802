import { describe, it, expect } from '@jest/globals';
import {
  SelectorError, fieldSelectorValue, labelSelectorFromObject, newRequirement, parseFieldSelector, parseLabelSelector,
  selectorToString, type Requirement,
} from './selectors.js';
import type { LabelSelector } from './types/core.js';

const web = { app: 'web', tier: 'frontend' };
const db = { app: 'db', tier: 'backend', version: '12' };
const bare = {};

describe('parseLabelSelector: matching', () => {
  // [selector, matches web, matches db, matches an object with no labels]
  const cases: [string, boolean, boolean, boolean][] = [
    ['', true, true, true],
    ['   ', true, true, true],
    ['app=web', true, false, false],
    ['app==web', true, false, false],
    ['app = web', true, false, false],
    ['app!=web', false, true, true],
    ['app in (web,db)', true, true, false],
    ['app in (web, cache)', true, false, false],
    ['app notin (web)', false, true, true],
    ['app', true, true, false],
    ['!app', false, false, true],
    ['version', false, true, false],
    ['!version', true, false, true],
    ['app=web,tier=frontend', true, false, false],
    ['app=web,tier=backend', false, false, false],
    [' app in ( web ) , !version ', true, false, false],
    ['tier notin (backend),app', true, false, false],
    ['version>11', false, true, false],
    ['version>12', false, false, false],
    ['version<13', false, true, false],
    ['app>1', false, false, false],
    ['app=', false, false, false],
    ['app in ()', false, false, false],
    ['example.com/role', false, false, false],
  ];
  it.each(cases)('%p: web=%p db=%p bare=%p', (text, w, d, b) => {
    const sel = parseLabelSelector(text);
    expect(sel.matches(web)).toBe(w);
    expect(sel.matches(db)).toBe(d);
    expect(sel.matches(bare)).toBe(b);
    expect(sel.matches(undefined)).toBe(b);
  });

  it('an empty value matches a label set to the empty string', () => {
    expect(parseLabelSelector('app=').matches({ app: '' })).toBe(true);
    expect(parseLabelSelector('app in ()').matches({ app: '' })).toBe(true);
    expect(parseLabelSelector('app in (,x)').matches({ app: '' })).toBe(true);
    expect(parseLabelSelector('app in (x,)').matches({ app: 'x' })).toBe(true);
  });

  it('"in" and "notin" are ordinary words where a key or value is expected', () => {
    const sel = parseLabelSelector('in in (notin)');
    expect(sel.requirements).toEqual([{ key: 'in', operator: 'In', values: ['notin'] }]);
    expect(sel.matches({ in: 'notin' })).toBe(true);
  });

  it('does not mistake inherited object properties for labels', () => {
    expect(parseLabelSelector('constructor').matches({})).toBe(false);
    expect(parseLabelSelector('!toString').matches({})).toBe(true);
  });

  it('isEverything only when there are no requirements', () => {
    expect(parseLabelSelector('').isEverything()).toBe(true);
    expect(parseLabelSelector(' ').isEverything()).toBe(true);
    expect(parseLabelSelector('a').isEverything()).toBe(false);
  });
});

describe('parseLabelSelector: requirements and printing', () => {
  const cases: [string, Requirement[], string][] = [
    ['a=b', [{ key: 'a', operator: '=', values: ['b'] }], 'a=b'],
    ['a==b', [{ key: 'a', operator: '==', values: ['b'] }], 'a==b'],
    ['a!=b', [{ key: 'a', operator: '!=', values: ['b'] }], 'a!=b'],
    ['a in (z,x,z)', [{ key: 'a', operator: 'In', values: ['x', 'z'] }], 'a in (x,z)'],
    ['a notin(x)', [{ key: 'a', operator: 'NotIn', values: ['x'] }], 'a notin (x)'],
    ['a', [{ key: 'a', operator: 'Exists', values: [] }], 'a'],
    ['! a', [{ key: 'a', operator: 'DoesNotExist', values: [] }], '!a'],
    ['n>5', [{ key: 'n', operator: 'Gt', values: ['5'] }], 'n>5'],
    ['n<5', [{ key: 'n', operator: 'Lt', values: ['5'] }], 'n<5'],
    ['z=1,a=2', [{ key: 'a', operator: '=', values: ['2'] }, { key: 'z', operator: '=', values: ['1'] }], 'a=2,z=1'],
    ['x.io/role=db', [{ key: 'x.io/role', operator: '=', values: ['db'] }], 'x.io/role=db'],
  ];
  it.each(cases)('%p', (text, requirements, printed) => {
    const sel = parseLabelSelector(text);
    expect(sel.requirements).toEqual(requirements);
    expect(sel.toString()).toBe(printed);
    expect(String(sel)).toBe(printed);
    // The printed form is itself a selector with the same meaning.
    expect(parseLabelSelector(printed).requirements).toEqual(requirements);
  });
});

describe('parseLabelSelector: errors', () => {
  const cases: [string, string][] = [
    ['-bad', 'unable to parse requirement: invalid label key "-bad"'],
    ['-bad=x', 'unable to parse requirement: invalid label key "-bad": name part must consist of alphanumeric characters'],
    ['a/b/c=x', 'unable to parse requirement: invalid label key "a/b/c"'],
    ['app=-x', 'unable to parse requirement: invalid label value: "-x": at key: "app"'],
    [`app=${'v'.repeat(64)}`, 'must be no more than 63 characters'],
    ['app in (a,-b)', 'invalid label value: "-b"'],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (x y)', "found 'y', expected: ',' or ')'"],
    ['a in (x', "found '', expected: ',' or ')'"],
    ['a in (', "found '', expected: ',', ')' or identifier"],
    ['a in (=)', "found '=', expected: ',', ')' or identifier"],
    ['a=(b', "unable to parse requirement: found '(', expected: identifier"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    ['a=b,,c', "found ',', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['n>x', "for 'Gt', 'Lt' operators, the value must be an integer"],
    ['n<-5', 'invalid label value: "-5"'],
    ['n<1.5', "for 'Gt', 'Lt' operators, the value must be an integer"],
    ['n>99999999999999999999', "for 'Gt', 'Lt' operators, the value must be an integer"],
  ];
  it.each(cases)('%p is rejected with %p', (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(SelectorError);
    expect(() => parseLabelSelector(text)).toThrow(message);
  });
});

describe('newRequirement', () => {
  it.each([
    ['k', 'In', [], "for 'in', 'notin' operators, values set can't be empty"],
    ['k', '=', ['a', 'b'], 'exact-match compatibility requires one single value'],
    ['k', 'Exists', ['a'], 'values set must be empty for exists and does not exist'],
    ['k', 'Gt', [], "for 'Gt', 'Lt' operators, exactly one value is required"],
    ['k', 'Bogus', [], 'operator "Bogus" is not recognized'],
    ['', 'Exists', [], 'invalid label key ""'],
  ] as const)('(%p, %p, %p) throws %p', (key, op, values, message) => {
    expect(() => newRequirement(key, op as Requirement['operator'], values)).toThrow(message);
  });
});

describe('labelSelectorFromObject / selectorToString', () => {
  const cases: [LabelSelector | undefined, string, Record<string, string>, boolean][] = [
    [undefined, '', web, true],
    [{}, '', bare, true],
    [{ matchLabels: {}, matchExpressions: [] }, '', db, true],
    [{ matchLabels: { app: 'web' } }, 'app=web', web, true],
    [{ matchLabels: { app: 'web' } }, 'app=web', db, false],
    [{ matchLabels: { tier: 'frontend', app: 'web' } }, 'app=web,tier=frontend', web, true],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, 'app=web,tier in (a,b)', web, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['backend'] }] }, 'tier notin (backend)', bare, true],
    [{ matchExpressions: [{ key: 'version', operator: 'Exists' }] }, 'version', db, true],
    [{ matchExpressions: [{ key: 'version', operator: 'DoesNotExist' }] }, '!version', db, false],
  ];
  it.each(cases)('%j prints %p; matches %j: %p', (obj, printed, labels, matches) => {
    const sel = labelSelectorFromObject(obj);
    expect(sel.toString()).toBe(printed);
    expect(sel.matches(labels)).toBe(matches);
    expect(sel.isEverything()).toBe(printed === '');
    if (obj) expect(selectorToString(obj)).toBe(printed);
    // The query-string form selects the same objects.
    expect(parseLabelSelector(printed).matches(labels)).toBe(matches);
  });

  it.each([
    [{ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, '"Equals" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values set must be empty'],
    [{ matchLabels: { 'bad key': 'x' } }, 'invalid label key "bad key"'],
    [{ matchLabels: { app: 'no spaces' } }, 'invalid label value: "no spaces"'],
  ])('%j is rejected with %p', (obj, message) => {
    expect(() => labelSelectorFromObject(obj as LabelSelector)).toThrow(SelectorError);
    expect(() => selectorToString(obj as LabelSelector)).toThrow(message);
  });
});

describe('parseFieldSelector', () => {
  const pod = { 'metadata.name': 'web-1', 'metadata.namespace': 'default', 'spec.nodeName': 'node-a', 'status.phase': 'Running' };
  const pending = { 'metadata.name': 'web-2', 'metadata.namespace': 'default', 'status.phase': 'Pending' };

  const cases: [string, boolean, boolean][] = [
    ['', true, true],
    ['spec.nodeName=node-a', true, false],
    ['spec.nodeName==node-a', true, false],
    ['spec.nodeName!=node-a', false, true],
    ['spec.nodeName=', false, true], // an absent field reads as ''
    ['spec.nodeName!=', true, false],
    ['status.phase=Running,metadata.namespace=default', true, false],
    ['status.phase!=Running,status.phase!=Succeeded', false, true],
    ['metadata.namespace=default,', true, true],
    [',,metadata.name=web-2', false, true],
  ];
  it.each(cases)('%p: running=%p pending=%p', (text, r, p) => {
    const sel = parseFieldSelector(text);
    expect(sel.matches(pod)).toBe(r);
    expect(sel.matches(pending)).toBe(p);
    expect(sel.isEverything()).toBe(text === '');
  });

  it('unescapes \\, \\= and \\\\ in values and prints them escaped again', () => {
    const sel = parseFieldSelector('a=x\\,y\\=z\\\\w');
    expect(sel.requirements).toEqual([{ field: 'a', operator: '=', value: 'x,y=z\\w' }]);
    expect(sel.matches({ a: 'x,y=z\\w' })).toBe(true);
    expect(parseFieldSelector(sel.toString()).requirements).toEqual(sel.requirements);
  });

  it('reports requirements in sorted order and the == operator as written', () => {
    expect(parseFieldSelector('b!=2,a==1').requirements).toEqual([
      { field: 'a', operator: '==', value: '1' },
      { field: 'b', operator: '!=', value: '2' },
    ]);
    expect(parseFieldSelector('b!=2,a==1').toString()).toBe('a=1,b!=2');
  });

  it('does not read inherited properties as fields', () => {
    expect(parseFieldSelector('constructor=').matches({})).toBe(true);
  });

  it.each([
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['=b', "can't understand '=b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: ='],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('%p is rejected with %p', (text, message) => {
    expect(() => parseFieldSelector(text)).toThrow(SelectorError);
    expect(() => parseFieldSelector(text)).toThrow(message);
  });

  it.each([
    ['spec.nodeName=node-a', 'spec.nodeName', 'node-a'],
    ['spec.nodeName==node-a,status.phase=Running', 'spec.nodeName', 'node-a'],
    ['spec.nodeName=', 'spec.nodeName', ''],
    ['spec.nodeName!=node-a', 'spec.nodeName', undefined],
    ['status.phase=Running', 'spec.nodeName', undefined],
    ['', 'spec.nodeName', undefined],
  ])('fieldSelectorValue(%p, %p) is %p', (text, field, value) => {
    expect(fieldSelectorValue(parseFieldSelector(text), field)).toBe(value);
  });
});
