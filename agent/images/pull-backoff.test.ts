import { describe, expect, it } from '@jest/globals';
import { PullBackoff } from './pull-backoff.js';

describe('PullBackoff', () => {
  it('doubles from the initial delay up to the maximum, and a success clears it', () => {
    let now = 0;
    const backoff = new PullBackoff({ initialMs: 10_000, maxMs: 40_000 }, () => now);
    expect(backoff.current('img')).toBeUndefined();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      backoff.failed('img', `failure ${i}`);
      delays.push(backoff.current('img')?.remainingMs ?? 0);
      now += delays[i];
      expect(backoff.current('img')).toBeUndefined();
    }
    expect(delays).toEqual([10_000, 20_000, 40_000, 40_000]);
    backoff.failed('img', 'again');
    expect(backoff.current('img')?.message).toBe('again');
    backoff.succeeded('img');
    expect(backoff.current('img')).toBeUndefined();
    backoff.failed('img', 'after success');
    expect(backoff.current('img')?.remainingMs).toBe(10_000);
  });

  it('starts over after a long quiet period and keeps images apart', () => {
    let now = 0;
    const backoff = new PullBackoff({ initialMs: 1_000, maxMs: 8_000 }, () => now);
    backoff.failed('a', 'x');
    now += 1_000;
    backoff.failed('a', 'x');
    expect(backoff.current('a')?.remainingMs).toBe(2_000);
    expect(backoff.current('b')).toBeUndefined();
    now += 16_001;
    backoff.failed('a', 'x');
    expect(backoff.current('a')?.remainingMs).toBe(1_000);
  });
});
