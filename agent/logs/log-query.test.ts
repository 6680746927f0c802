import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../../api/errors.js';
import { parseLogQuery } from './log-query.js';

const parse = (q: string) => parseLogQuery(new URLSearchParams(q), 1_700_000_000_000);

describe('parseLogQuery', () => {
  it('reads flags, counts and since', () => {
    expect(parse('follow=true&previous=1&timestamps=true&tailLines=3&limitBytes=10&sinceSeconds=5')).toEqual({
      follow: true, previous: true, timestamps: true, tailLines: 3, limitBytes: 10, sinceNs: 1_699_999_995_000_000_000n,
    });
    expect(parse('sinceTime=2023-11-14T22:13:20.5Z').sinceNs).toBe(1_699_999_995_000_000_000n + 5_500_000_000n);
    expect(parse('tailLines=-1').tailLines).toBeUndefined(); // Kubernetes: negative means all
  });

  it('rejects malformed values with a 400', () => {
    for (const q of ['tailLines=x', 'sinceSeconds=0', 'limitBytes=-2', 'sinceTime=yesterday', 'sinceSeconds=1&sinceTime=2023-11-14T22:13:20Z']) {
      expect(() => parse(q)).toThrow(ApiError);
      try { parse(q); } catch (err) { expect((err as ApiError).code).toBe(400); }
    }
  });
});
