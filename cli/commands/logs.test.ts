import { describe, expect, it } from '@jest/globals';
import { parseDuration } from './logs.js';

describe('parseDuration', () => {
  it('reads Go-style durations in seconds', () => {
    expect(parseDuration('10s')).toBe(10);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(() => parseDuration('10')).toThrow('invalid duration "10"');
  });
});
