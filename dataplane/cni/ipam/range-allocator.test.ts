import { describe, expect, it } from '@jest/globals';
import { nextFreeAddress } from './range-allocator.js';

const range = { start: 10, end: 14, exclude: [10] };

describe('nextFreeAddress', () => {
  it.each([
    ['starts at the range start, skipping the gateway', [], undefined, 11],
    ['continues after the last reservation', [11], 11, 12],
    ['does not reuse a just-released address before the rest', [], 12, 13],
    ['wraps around past the end', [11], 14, 12],
    ['skips reserved addresses', [11, 12, 13], 11, 14],
    ['ignores a last reservation outside the range', [], 99, 11],
    ['reports exhaustion', [11, 12, 13, 14], 12, undefined],
  ])('%s', (_what, reserved, last, expected) => {
    expect(nextFreeAddress(range, new Set(reserved), last)).toBe(expected);
  });

  it('hands out a single-address range once', () => {
    const single = { start: 5, end: 5, exclude: [] };
    expect(nextFreeAddress(single, new Set(), 5)).toBe(5);
    expect(nextFreeAddress(single, new Set([5]), 5)).toBeUndefined();
  });
});
