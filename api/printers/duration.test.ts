import { describe, it, expect } from '@jest/globals';
import { formatAge, humanDuration } from './duration.js';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number): string => new Date(now.getTime() - seconds * 1000).toISOString();

describe('formatAge (kubectl HumanDuration)', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [119, '119s'],
    [120, '2m'],
    [125, '2m5s'],
    [9 * 60 + 59, '9m59s'],
    [10 * 60 + 30, '10m'],
    [179 * 60, '179m'],
    [3 * 3600, '3h'],
    [3 * 3600 + 25 * 60, '3h25m'],
    [8 * 3600 + 59 * 60, '8h'],
    [47 * 3600, '47h'],
    [5 * 86400, '5d'],
    [5 * 86400 + 7 * 3600, '5d7h'],
    [30 * 86400, '30d'],
    [729 * 86400, '729d'],
    [2 * 365 * 86400, '2y'],
    [3 * 365 * 86400 + 10 * 86400, '3y10d'],
    [10 * 365 * 86400 + 10 * 86400, '10y'],
  ])('%i seconds ago prints %s', (seconds, expected) => {
    expect(formatAge(ago(seconds), now)).toBe(expected);
  });

  it('tolerates a second of clock skew but flags timestamps further in the future', () => {
    expect(formatAge(ago(-1), now)).toBe('0s');
    expect(formatAge(ago(-5), now)).toBe('<invalid>');
  });

  it('prints <unknown> for a missing or unparsable timestamp', () => {
    expect(formatAge(undefined, now)).toBe('<unknown>');
    expect(formatAge('not-a-time', now)).toBe('<unknown>');
  });

  it('truncates rather than rounds', () => {
    expect(humanDuration(59_999)).toBe('59s');
    expect(humanDuration(3 * 3600_000 - 1)).toBe('179m');
  });
});
