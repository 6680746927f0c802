import { describe, expect, it } from '@jest/globals';
import type { NodeScore } from '../framework/types.js';
import { defaultNormalizeScore } from './normalize.js';

const scores = (...values: number[]): NodeScore[] => values.map((score, i) => ({ name: `n${i}`, score }));

describe('defaultNormalizeScore', () => {
  it('scales the highest score to 100, truncating like integer division', () => {
    const s = scores(0, 1, 3);
    defaultNormalizeScore(s, false);
    expect(s.map((x) => x.score)).toEqual([0, 33, 100]);
  });

  it('reversed, gives the lowest raw score 100', () => {
    const s = scores(0, 1, 4);
    defaultNormalizeScore(s, true);
    expect(s.map((x) => x.score)).toEqual([100, 75, 0]);
  });

  it('leaves all-zero scores at 0, or makes them all 100 when reversed', () => {
    const plain = scores(0, 0);
    defaultNormalizeScore(plain, false);
    expect(plain.map((x) => x.score)).toEqual([0, 0]);
    const reversed = scores(0, 0);
    defaultNormalizeScore(reversed, true);
    expect(reversed.map((x) => x.score)).toEqual([100, 100]);
  });
});
