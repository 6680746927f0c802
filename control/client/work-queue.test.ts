import { describe, expect, it } from '@jest/globals';
import { ExponentialBackoff, WorkQueue } from './work-queue.js';

describe('WorkQueue', () => {
  it('merges duplicate adds of a waiting key', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('never hands out a key that is being processed; a re-add runs again after done', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    const first = await q.get();
    q.add('a');
    expect(q.length).toBe(0);
    let second: string | undefined;
    void q.get().then((k) => { second = k; });
    await new Promise((r) => setImmediate(r));
    expect(second).toBeUndefined();
    q.done(first!);
    await new Promise((r) => setImmediate(r));
    expect(second).toBe('a');
  });

  it('backs off exponentially per key and resets on forget', () => {
    const b = new ExponentialBackoff<string>(5, 100);
    expect([b.next('k'), b.next('k'), b.next('k'), b.next('k'), b.next('k'), b.next('k')]).toEqual([5, 10, 20, 40, 80, 100]);
    expect(b.next('other')).toBe(5);
    b.forget('k');
    expect(b.next('k')).toBe(5);
  });

  it('delivers a rate-limited key after its delay, and shutDown releases waiting workers', async () => {
    const q = new WorkQueue<string>(new ExponentialBackoff(20));
    const start = Date.now();
    q.addRateLimited('x');
    expect(await q.get()).toBe('x');
    expect(Date.now() - start).toBeGreaterThanOrEqual(15);
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
  });
});
