/**
 * Label and field selectors as the API server reads them from `?labelSelector=` and `?fieldSelector=`,
 * and label selectors in object form (`matchLabels`/`matchExpressions`) as workloads carry them.
 * Grammar, matching and error text follow k8s.io/apimachinery/pkg/labels and pkg/fields.
 */
import type { LabelSelector } from './types/core.js';
import { isQualifiedName, isValidLabelValue } from './validation/common.js';

export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

// ---- label selectors ----

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | '=' | '==' | '!=' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  /** Sorted and de-duplicated, so equal selectors print equally. */
  values: string[];
}

export interface Selector {
  matches(labels: Record<string, string> | undefined): boolean;
  requirements: Requirement[];
  /** True when there are no requirements: it matches every object. */
  isEverything(): boolean;
  toString(): string;
}

/** Whole numbers as Go's strconv.ParseInt(s, 10, 64) accepts them; Gt/Lt compare only these. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** A checked requirement; throws SelectorError naming what is wrong. */
export function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) throw new SelectorError(`invalid label key ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) throw new SelectorError("for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) throw new SelectorError('exact-match compatibility requires one single value');
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) throw new SelectorError('values set must be empty for exists and does not exist');
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) throw new SelectorError("for 'Gt', 'Lt' operators, exactly one value is required");
      if (parseInt64(values[0]!) === undefined) throw new SelectorError("for 'Gt', 'Lt' operators, the value must be an integer");
      break;
    default:
      throw new SelectorError(`operator ${JSON.stringify(operator)} is not recognized`);
  }
  for (const v of values) {
    const errs = isValidLabelValue(v);
    if (errs.length) throw new SelectorError(`invalid label value: ${JSON.stringify(v)}: at key: ${JSON.stringify(key)}: ${errs.join('; ')}`);
  }
  return { key, operator, values: [...new Set(values)].sort() };
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'In':
    case '=':
    case '==':
      return value !== undefined && r.values.includes(value);
    case 'NotIn':
    case '!=':
      // Objects without the key match, as in Kubernetes: "not web" includes "no tier at all".
      return value === undefined || !r.values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const actual = value === undefined ? undefined : parseInt64(value);
      const bound = parseInt64(r.values[0] ?? '');
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'Gt' ? actual > bound : actual < bound;
    }
  }
}

function requirementToString(r: Requirement): string {
  switch (r.operator) {
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'In':
      return `${r.key} in (${r.values.join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${r.values.join(',')})`;
    case 'Gt':
      return `${r.key}>${r.values[0]}`;
    case 'Lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/** A selector ANDing the requirements, ordered by key as Kubernetes orders them. */
export function selectorFromRequirements(requirements: readonly Requirement[]): Selector {
  const sorted = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: sorted,
    matches: (labels) => sorted.every((r) => requirementMatches(r, labels ?? {})),
    isEverything: () => sorted.length === 0,
    toString: () => sorted.map(requirementToString).join(','),
  };
}

// The text grammar is tokenised first, then parsed by recursive descent, like labels.Parse.

type Tok = 'end' | 'ident' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<';
interface Token { tok: Tok; lit: string }

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (WHITESPACE.has(ch)) {
      i++;
    } else if (SPECIAL.has(ch)) {
      const pair = text.slice(i, i + 2);
      const lit = pair === '==' || pair === '!=' ? pair : ch;
      tokens.push({ tok: lit as Tok, lit });
      i += lit.length;
    } else {
      let j = i;
      while (j < text.length && !SPECIAL.has(text[j]!) && !WHITESPACE.has(text[j]!)) j++;
      const lit = text.slice(i, j);
      tokens.push({ tok: lit === 'in' || lit === 'notin' ? lit : 'ident', lit });
      i = j;
    }
  }
  tokens.push({ tok: 'end', lit: '' });
  return tokens;
}

/** Where 'in'/'notin' are operators; everywhere else they are ordinary words (a key may be named "in"). */
type Context = 'values' | 'operator';

class LabelParser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private lookahead(ctx: Context = 'values'): Token {
    const t = this.tokens[this.pos]!;
    return ctx === 'values' && (t.tok === 'in' || t.tok === 'notin') ? { tok: 'ident', lit: t.lit } : t;
  }

  private consume(ctx: Context = 'values'): Token {
    const t = this.lookahead(ctx);
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const t = this.lookahead();
      if (t.tok === 'end') return requirements;
      if (t.tok !== 'ident' && t.tok !== '!') throw new SelectorError(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const sep = this.consume();
      if (sep.tok === 'end') return requirements;
      if (sep.tok !== ',') throw new SelectorError(`found '${sep.lit}', expected: ',' or 'end of string'`);
      const next = this.lookahead();
      if (next.tok !== 'ident' && next.tok !== '!') throw new SelectorError(`found '${next.lit}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): Requirement {
    let t = this.consume();
    const negated = t.tok === '!';
    if (negated) t = this.consume();
    if (t.tok !== 'ident') throw new SelectorError(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw new SelectorError(`invalid label key ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
    if (negated) return newRequirement(key, 'DoesNotExist', []);
    const next = this.lookahead().tok;
    if (next === 'end' || next === ',') return newRequirement(key, 'Exists', []);

    const operator = this.parseOperator();
    const values = operator === 'In' || operator === 'NotIn' ? this.parseValueSet() : this.parseExactValue();
    return newRequirement(key, operator, values);
  }

  private parseOperator(): Operator {
    const t = this.consume('operator');
    switch (t.tok) {
      case 'in': return 'In';
      case 'notin': return 'NotIn';
      case '=': return '=';
      case '==': return '==';
      case '!=': return '!=';
      case '>': return 'Gt';
      case '<': return 'Lt';
      default:
        throw new SelectorError(`found '${t.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  /** `(a,b)`; empty members such as `()` or `(a,)` stand for the empty value. */
  private parseValueSet(): string[] {
    const open = this.consume();
    if (open.tok !== '(') throw new SelectorError(`found '${open.lit}' expected: '('`);
    const values: string[] = [];
    let expectValue = true;
    for (;;) {
      const t = this.consume();
      if (t.tok === ')') {
        if (expectValue) values.push('');
        return values;
      }
      if (t.tok === ',') {
        if (expectValue) values.push('');
        expectValue = true;
      } else if (t.tok === 'ident' && expectValue) {
        values.push(t.lit);
        expectValue = false;
      } else if (!expectValue) {
        throw new SelectorError(`found '${t.lit}', expected: ',' or ')'`);
      } else {
        throw new SelectorError(`found '${t.lit}', expected: ',', ')' or identifier`);
      }
    }
  }

  /** The single value after `=`, `==`, `!=`, `>` or `<`; nothing at all means the empty value. */
  private parseExactValue(): string[] {
    const next = this.lookahead();
    if (next.tok === 'end' || next.tok === ',') return [''];
    const t = this.consume();
    if (t.tok === 'ident') return [t.lit];
    throw new SelectorError(`found '${t.lit}', expected: identifier`);
  }
}

/** Parses `?labelSelector=`; an empty or blank string selects everything. */
export function parseLabelSelector(text: string): Selector {
  return selectorFromRequirements(new LabelParser(lex(text)).parse());
}

const OBJECT_OPERATORS: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * The object form as workloads carry it (metav1.LabelSelectorAsSelector). Absent or `{}` selects everything;
 * callers that must refuse an empty selector (a Deployment's, for one) check that in validation.
 */
export function labelSelectorFromObject(sel: LabelSelector | undefined): Selector {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {})) requirements.push(newRequirement(key, '=', [value]));
  for (const expr of sel?.matchExpressions ?? []) {
    if (!OBJECT_OPERATORS.has(expr.operator)) throw new SelectorError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    requirements.push(newRequirement(expr.key, expr.operator, expr.values ?? []));
  }
  return selectorFromRequirements(requirements);
}

/** The query-string form of an object selector, e.g. `app=web,tier in (a,b)`; empty for "everything". */
export function selectorToString(sel: LabelSelector): string {
  return labelSelectorFromObject(sel).toString();
}

// ---- field selectors ----

export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

export interface FieldSelector {
  /** A field the object does not have counts as the empty string, as in Kubernetes. */
  matches(fields: Record<string, string>): boolean;
  requirements: FieldRequirement[];
  isEverything(): boolean;
  toString(): string;
}

/** Splits on commas not escaped by a backslash; escapes stay in place for unescapeValue. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

const FIELD_OPERATORS = ['!=', '==', '='] as const; // '==' before '=' so the value keeps no stray '='

/** Field names cannot be escaped, so the first operator found splits the term. */
function splitTerm(term: string): [string, FieldRequirement['operator'], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of FIELD_OPERATORS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

function unescapeValue(s: string): string {
  let out = '';
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** The inverse of unescapeValue, so toString() parses back to the same selector. */
function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

function fieldValue(fields: Record<string, string>, field: string): string {
  return Object.prototype.hasOwnProperty.call(fields, field) ? fields[field]! : '';
}

/** Parses `?fieldSelector=`; an empty string selects everything. Which fields exist is the kind's business. */
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  // Kubernetes sorts the raw terms, which fixes the order requirements are reported in.
  for (const term of splitTerms(text).sort()) {
    if (term === '') continue;
    const split = splitTerm(term);
    if (!split || split[0] === '') throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    const [field, operator, raw] = split;
    requirements.push({ field, operator, value: unescapeValue(raw) });
  }
  return {
    requirements,
    matches: (fields) => requirements.every((r) => (fieldValue(fields, r.field) === r.value) === (r.operator !== '!=')),
    isEverything: () => requirements.length === 0,
    toString: () => requirements.map((r) => `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeValue(r.value)}`).join(','),
  };
}

/** The value an exact `field=value` requirement pins, so a list can use an index (e.g. pods by spec.nodeName). */
export function fieldSelectorValue(sel: FieldSelector, field: string): string | undefined {
  return sel.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
}
