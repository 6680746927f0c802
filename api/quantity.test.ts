import { describe, it, expect } from '@jest/globals';
import {
  QuantityError, addQuantities, compareQuantities, formatQuantity, parseQuantity, quantityToMilli, quantityValue,
  type Quantity,
} from './quantity.js';

const FORMAT_MSG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX_MSG = "unable to parse quantity's suffix";
const GI = 1024n ** 3n;

describe('parseQuantity', () => {
  // [input, milli-units, format, canonical string as Kubernetes prints it]
  const cases: [string | number, bigint, Quantity['format'], string][] = [
    ['0', 0n, 'DecimalSI', '0'],
    ['1', 1000n, 'DecimalSI', '1'],
    ['500m', 500n, 'DecimalSI', '500m'],
    ['1.5', 1500n, 'DecimalSI', '1500m'],
    ['1500m', 1500n, 'DecimalSI', '1500m'],
    ['.5', 500n, 'DecimalSI', '500m'],
    ['1.', 1000n, 'DecimalSI', '1'],
    ['+2', 2000n, 'DecimalSI', '2'],
    ['-1.5', -1500n, 'DecimalSI', '-1500m'],
    ['00010', 10000n, 'DecimalSI', '10'],
    ['1000', 1000000n, 'DecimalSI', '1k'],
    ['10000', 10000000n, 'DecimalSI', '10k'],
    ['1500', 1500000n, 'DecimalSI', '1500'],
    ['1k', 1000000n, 'DecimalSI', '1k'],
    ['1000M', 10n ** 12n, 'DecimalSI', '1G'],
    ['1E', 10n ** 21n, 'DecimalSI', '1E'],
    ['0.0001', 1n, 'DecimalSI', '1m'],
    ['100n', 1n, 'DecimalSI', '1m'],
    ['1u', 1n, 'DecimalSI', '1m'],
    ['1.2345m', 2n, 'DecimalSI', '2m'],
    ['128Mi', 134217728000n, 'BinarySI', '128Mi'],
    ['1Ki', 1024000n, 'BinarySI', '1Ki'],
    ['1024Mi', GI * 1000n, 'BinarySI', '1Gi'],
    ['2Gi', 2n * GI * 1000n, 'BinarySI', '2Gi'],
    ['0.5Gi', 512n * 1024n * 1024n * 1000n, 'BinarySI', '512Mi'],
    ['1.5Ki', 1536000n, 'BinarySI', '1536'],
    ['0.5Ki', 512000n, 'BinarySI', '512'],
    ['0Mi', 0n, 'BinarySI', '0'],
    // Below one whole unit a binary amount cannot be written in binary, so it becomes decimal.
    ['0.0001Ki', 103n, 'DecimalSI', '103m'],
    ['1e3', 1000000n, 'DecimalExponent', '1e3'],
    ['12e6', 12n * 10n ** 9n, 'DecimalExponent', '12e6'],
    ['1E3', 1000000n, 'DecimalExponent', '1e3'],
    ['1e-3', 1n, 'DecimalExponent', '1e-3'],
    ['1e+2', 100000n, 'DecimalExponent', '100'],
    ['1e-99999', 1n, 'DecimalExponent', '1e-3'],
    [' 1Gi ', GI * 1000n, 'BinarySI', '1Gi'],
    [2, 2000n, 'DecimalSI', '2'],
    [0.25, 250n, 'DecimalSI', '250m'],
    [-3, -3000n, 'DecimalSI', '-3'],
    [1e21, 10n ** 24n, 'DecimalExponent', '1e21'],
  ];
  it.each(cases)('%p is %p milli-units (%s) and prints as %p', (input, milli, format, text) => {
    const q = parseQuantity(input);
    expect(q).toEqual({ milli, format });
    expect(formatQuantity(q)).toBe(text);
    // The canonical form must read back to the same amount.
    expect(parseQuantity(text).milli).toBe(milli);
  });

  const bad: [unknown, string][] = [
    ['', FORMAT_MSG],
    ['   ', FORMAT_MSG],
    ['12x', FORMAT_MSG],
    ['1.2.3', FORMAT_MSG],
    ['Mi', FORMAT_MSG],
    ['.', FORMAT_MSG],
    ['-', FORMAT_MSG],
    ['1 Gi', FORMAT_MSG],
    ['--1', FORMAT_MSG],
    ['1e3Mi', FORMAT_MSG],
    ['0x10', FORMAT_MSG],
    [NaN, FORMAT_MSG],
    [Infinity, FORMAT_MSG],
    ['1ki', SUFFIX_MSG],
    ['1MI', FORMAT_MSG], // 'I' is not a suffix letter at all
    ['1mi', SUFFIX_MSG],
    ['1e', SUFFIX_MSG],
    ['1e+', SUFFIX_MSG],
    ['1m3', SUFFIX_MSG],
    ['1KiB', FORMAT_MSG],
    ['1Kii', SUFFIX_MSG],
    ['1e99999', 'quantity is too large'],
  ];
  it.each(bad)('rejects %p', (input, message) => {
    expect(() => parseQuantity(input as string)).toThrow(QuantityError);
    expect(() => parseQuantity(input as string)).toThrow(message);
  });

  it('QuantityError is an Error with its own name', () => {
    try {
      parseQuantity('12x');
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('QuantityError');
    }
  });
});

describe('formatQuantity', () => {
  const cases: [Quantity, string][] = [
    [{ milli: 0n, format: 'BinarySI' }, '0'],
    [{ milli: 2048000n, format: 'BinarySI' }, '2Ki'],
    [{ milli: 1023000n, format: 'BinarySI' }, '1023'],
    [{ milli: -2048000n, format: 'BinarySI' }, '-2Ki'],
    [{ milli: 2048500n, format: 'BinarySI' }, '2048500m'],
    [{ milli: 1000n * 1024n ** 6n, format: 'BinarySI' }, '1Ei'],
    [{ milli: 1000n * 1024n ** 7n, format: 'BinarySI' }, '1024Ei'],
    [{ milli: 10n ** 24n, format: 'DecimalSI' }, '1000E'],
    [{ milli: 1234567n, format: 'DecimalSI' }, '1234567m'],
    [{ milli: 120000n, format: 'DecimalSI' }, '120'],
    [{ milli: 100n, format: 'DecimalSI' }, '100m'],
    [{ milli: 100n, format: 'DecimalExponent' }, '100e-3'],
    [{ milli: 5000000n, format: 'DecimalExponent' }, '5e3'],
  ];
  it.each(cases)('%p prints as %p', (q, text) => {
    expect(formatQuantity(q)).toBe(text);
  });
});

describe('quantity helpers', () => {
  it.each([
    ['1500m', 2],
    ['100m', 1],
    ['1', 1],
    ['0', 0],
    ['2Gi', 2147483648],
    ['-1500m', -2],
    [3, 3],
  ] as const)('quantityValue(%p) is %p whole units, rounded up', (q, units) => {
    expect(quantityValue(q)).toBe(units);
  });

  it('quantityToMilli accepts strings, numbers and parsed quantities', () => {
    expect(quantityToMilli('250m')).toBe(250n);
    expect(quantityToMilli(1.5)).toBe(1500n);
    expect(quantityToMilli({ milli: 7n, format: 'DecimalSI' })).toBe(7n);
    expect(() => quantityToMilli('abc')).toThrow(QuantityError);
  });

  it.each([
    ['1Gi', '1G', 1],
    ['1G', '1Gi', -1],
    ['1000m', '1', 0],
    ['500m', '0.6', -1],
    ['1k', 999, 1],
    ['128Mi', '134217728', 0],
    ['-1', '0', -1],
  ] as const)('compareQuantities(%p, %p) is %p', (a, b, want) => {
    expect(compareQuantities(a, b)).toBe(want);
  });

  it.each([
    ['500m', '1500m', 2000n, '2'],
    ['1Gi', '1Gi', 2n * GI * 1000n, '2Gi'],
    ['0', '1Gi', GI * 1000n, '1Gi'],
    ['1', '1Ki', 1025000n, '1025'],
    ['1Ki', '-1Ki', 0n, '0'],
    ['100m', 0.2, 300n, '300m'],
  ] as const)('%p + %p is %p milli-units, printed %p', (a, b, milli, text) => {
    const sum = addQuantities(a, b);
    expect(sum.milli).toBe(milli);
    expect(formatQuantity(sum)).toBe(text);
  });
});
