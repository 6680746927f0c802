import { describe, expect, it } from '@jest/globals';
import { RateLimitedQueue } from './rate-limited-queue.js';

describe('rate-limited queue', () => {
  it('lets the first name go at once, then one per 1/rate seconds, in order', () => {
    let now = 0;
    const q = new RateLimitedQueue(0.5, () => now);
    for (const n of ['a', 'b', 'c', 'a']) q.add(n);
    expect(q.length).toBe(3);
    expect(q.take()).toEqual(['a']);
    now = 1999;
    expect(q.take()).toEqual([]);
    now = 2000;
    expect(q.take()).toEqual(['b']);
    now = 10_000; // a long wait earns a burst of one only
    expect(q.take()).toEqual(['c']);
    q.add('d');
    q.add('e');
    expect(q.take()).toEqual([]);
    now = 12_000;
    expect(q.take()).toEqual(['d']);
  });

  it('holds everything at rate 0 and resumes when the rate is raised', () => {
    let now = 0;
    const q = new RateLimitedQueue(1, () => now);
    q.add('x');
    expect(q.take()).toEqual(['x']);
    q.setRate(0);
    q.add('a');
    now = 60_000;
    expect(q.take()).toEqual([]);
    q.setRate(1);
    now = 61_000;
    expect(q.take()).toEqual(['a']);
  });

  it('forgets removed names', () => {
    const q = new RateLimitedQueue(1, () => 0);
    q.add('a');
    q.add('b');
    q.remove('a');
    expect(q.has('a')).toBe(false);
    expect(q.take()).toEqual(['b']);
  });
});
