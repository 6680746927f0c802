import { describe, expect, it } from '@jest/globals';
import { bytesToFree, gcCandidates } from './image-gc.js';

describe('bytesToFree', () => {
  it.each([
    // capacity, available, high, low, expected
    [1000, 500, 85, 80, 0], // 50% used: under the high threshold
    [1000, 151, 85, 80, 0], // 84.9%
    [1000, 150, 85, 80, 50], // 85%: free down to 80% used
    [1000, 0, 85, 80, 200],
    [1000, 100, 90, 0, 900], // low 0: free everything
    [0, 0, 85, 80, 0], // unknown filesystem
  ])('capacity %i available %i high %i%% low %i%% → %i', (capacityBytes, availableBytes, high, low, expected) => {
    expect(bytesToFree({ capacityBytes, availableBytes }, { highThresholdPercent: high, lowThresholdPercent: low })).toBe(expected);
  });

  it('refuses thresholds that cannot work', () => {
    expect(() => bytesToFree({ capacityBytes: 1, availableBytes: 0 }, { highThresholdPercent: 50, lowThresholdPercent: 60 })).toThrow('invalid image GC thresholds');
    expect(() => bytesToFree({ capacityBytes: 1, availableBytes: 0 }, { highThresholdPercent: 101, lowThresholdPercent: 60 })).toThrow('invalid image GC thresholds');
  });
});

describe('gcCandidates', () => {
  it('offers unused images, least recently used first', () => {
    const images = [{ id: 'a', lastUsed: 30 }, { id: 'b', lastUsed: 10 }, { id: 'c', lastUsed: 20 }, { id: 'd', lastUsed: 5 }];
    expect(gcCandidates(images, new Set(['d'])).map((i) => i.id)).toEqual(['b', 'c', 'a']);
  });
});
