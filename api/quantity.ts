/**
 * Kubernetes resource.Quantity: parsing, arithmetic and canonical printing.
 * Values are held exactly as a bigint count of milli-units, which is the finest unit Cairn schedules with;
 * anything finer is rounded up (away from zero), as Kubernetes rounds "some" to "the smallest amount" rather than to nothing.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value times 1000 (`500m` is 500n, `1` is 1000n). */
  milli: bigint;
  /** How the value was written, which decides how it prints back (`128Mi` stays binary). */
  format: QuantityFormat;
}

/** Anything the helpers accept: a manifest value (string or number) or an already-parsed quantity. */
export type QuantityLike = string | number | Quantity;

export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

// Messages are Kubernetes' own, so clients and docs that match on them keep working.
const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const ERR_FORMAT = `quantities must match the regular expression '${SPLIT_RE}'`;
const ERR_SUFFIX = "unable to parse quantity's suffix";
const ERR_TOO_LARGE = 'quantity is too large';

// Stricter than SPLIT_RE in one way: the number needs a digit, so 'Mi' or '.' are not silently zero.
const SHAPE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/;

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
/** A power of ten beyond any real resource amount; bounds the work a hostile `1e999999999` can cause. */
const MAX_DECIMAL_SHIFT = 1000;

interface Suffix { base: 10 | 2; exponent: number; format: QuantityFormat }

function interpretSuffix(suffix: string): Suffix {
  if (suffix in DECIMAL_SUFFIXES) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (suffix in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    const exponent = Number(suffix.slice(1));
    // Kubernetes reads the exponent as an int32.
    if (Number.isSafeInteger(exponent) && Math.abs(exponent) <= 2 ** 31 - 1) return { base: 10, exponent, format: 'DecimalExponent' };
  }
  throw new QuantityError(ERR_SUFFIX);
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** numerator / divisor rounded away from zero (both non-negative here). */
function divRoundUp(numerator: bigint, divisor: bigint): bigint {
  const q = numerator / divisor;
  return numerator % divisor === 0n ? q : q + 1n;
}

export function parseQuantity(input: string | number): Quantity {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new QuantityError(ERR_FORMAT);
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim(); // the JSON decoder trims, so ' 1Gi ' in a manifest is accepted
  } else {
    throw new QuantityError(ERR_FORMAT);
  }

  const m = SHAPE.exec(text);
  const whole = m?.[2] ?? '';
  const frac = m?.[3] ?? '';
  if (!m || whole.length + frac.length === 0) throw new QuantityError(ERR_FORMAT);
  const negative = m[1] === '-';
  const { base, exponent, format } = interpretSuffix(m[4]!);

  const digits = BigInt(whole + frac || '0');
  let magnitude: bigint;
  if (digits === 0n) {
    magnitude = 0n;
  } else if (base === 2) {
    magnitude = divRoundUp(digits * (1n << BigInt(exponent)) * 1000n, pow10(frac.length));
  } else {
    const shift = exponent + 3 - frac.length; // power of ten turning `digits` into milli-units
    if (shift > MAX_DECIMAL_SHIFT) throw new QuantityError(ERR_TOO_LARGE);
    if (shift >= 0) magnitude = digits * pow10(shift);
    // A divisor longer than the digits can only leave a fraction, which rounds up to one milli-unit.
    else if (-shift > String(digits).length) magnitude = 1n;
    else magnitude = divRoundUp(digits, pow10(-shift));
  }

  // A binary amount below one unit cannot print as binary, so Kubernetes switches it to decimal.
  const finalFormat = format === 'BinarySI' && magnitude !== 0n && magnitude < 1000n ? 'DecimalSI' : format;
  return { milli: negative ? -magnitude : magnitude, format: finalFormat };
}

function toQuantity(q: QuantityLike): Quantity {
  return typeof q === 'object' ? q : parseQuantity(q);
}

export function quantityToMilli(q: QuantityLike): bigint {
  return toQuantity(q).milli;
}

/** Whole units, rounded away from zero like Kubernetes' Quantity.Value(). */
export function quantityValue(q: QuantityLike): number {
  const milli = toQuantity(q).milli;
  const magnitude = divRoundUp(milli < 0n ? -milli : milli, 1000n);
  return Number(milli < 0n ? -magnitude : magnitude);
}

export function compareQuantities(a: QuantityLike, b: QuantityLike): -1 | 0 | 1 {
  const x = quantityToMilli(a);
  const y = quantityToMilli(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sum keeping the left operand's format, unless it is zero (then the right one's), as Quantity.Add does. */
export function addQuantities(a: QuantityLike, b: QuantityLike): Quantity {
  const x = toQuantity(a);
  const y = toQuantity(b);
  return { milli: x.milli + y.milli, format: x.milli === 0n ? y.format : x.format };
}

/** The canonical string Kubernetes prints: the largest suffix that keeps the number whole. */
export function formatQuantity(q: Quantity): string {
  if (q.milli === 0n) return '0';
  const sign = q.milli < 0n ? '-' : '';
  const abs = q.milli < 0n ? -q.milli : q.milli;

  // Binary only for whole amounts of at least 1024; smaller or fractional ones would lose precision.
  if (q.format === 'BinarySI' && abs >= 1024n * 1000n && abs % 1000n === 0n) {
    let units = abs / 1000n;
    let power = 0;
    while (power < BINARY_BY_POWER.length - 1 && units % 1024n === 0n) {
      units /= 1024n;
      power++;
    }
    return `${sign}${units}${BINARY_BY_POWER[power]}`;
  }

  let mantissa = abs;
  let exponent = -3;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  // Step the exponent down to a multiple of three so it maps onto an SI suffix.
  const excess = ((exponent % 3) + 3) % 3;
  mantissa *= pow10(excess);
  exponent -= excess;

  if (q.format === 'DecimalExponent') return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  if (exponent > 18) {
    // Beyond 'E' there is no SI suffix; spell the extra digits out.
    mantissa *= pow10(exponent - 18);
    exponent = 18;
  }
  return `${sign}${mantissa}${DECIMAL_BY_EXPONENT.get(exponent)}`;
}
