import { describe, expect, it } from '@jest/globals';
import { AnswerCache, hashKey, type CachedResponse } from './answer-cache.js';

const response = (n: number): CachedResponse => ({ tcp: Buffer.from([n]), udp: Buffer.from([n]), rcode: 0 });
const key = (s: string): Buffer => Buffer.from(s);

describe('AnswerCache', () => {
  it('keeps keys that share a hash apart, and drops by tag only what the tag covers', () => {
    const cache = new AnswerCache();
    const a = key('aaaa');
    const b = key('bbbb');
    cache.set(7, a, 4, response(1), ['svc:x']);
    cache.set(7, b, 4, response(2), ['svc:y']);
    expect(cache.get(7, a, 4)?.tcp[0]).toBe(1);
    expect(cache.get(7, b, 4)?.tcp[0]).toBe(2);
    expect(cache.get(7, key('aaab'), 4)).toBeUndefined();
    cache.invalidate(['svc:x']);
    expect(cache.get(7, a, 4)).toBeUndefined();
    expect(cache.get(7, b, 4)?.tcp[0]).toBe(2);
    cache.set(7, b, 4, response(3), []);
    expect(cache.size).toBe(1);
    expect(cache.get(7, b, 4)?.tcp[0]).toBe(3);
  });

  it('compares only the key length given (the scratch buffer is longer)', () => {
    const cache = new AnswerCache();
    const scratch = Buffer.alloc(260);
    scratch.write('web');
    cache.set(hashKey(scratch, 3), scratch, 3, response(1), []);
    scratch.write('xyz', 3);
    expect(cache.get(hashKey(scratch, 3), scratch, 3)?.tcp[0]).toBe(1);
    expect(cache.get(hashKey(scratch, 6), scratch, 6)).toBeUndefined();
  });

  it('starts over when full', () => {
    const cache = new AnswerCache(3);
    for (let i = 0; i < 4; i++) cache.set(i, key(`k${i}`), 2, response(i), []);
    expect(cache.size).toBe(1);
    expect(cache.get(3, key('k3'), 2)?.tcp[0]).toBe(3);
  });
});
