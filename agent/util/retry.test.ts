import { describe, expect, it } from '@jest/globals';
import { ApiError, Reason } from '../../api/errors.js';
import { forEachLimited } from './concurrency.js';
import { isTransient, withRetry } from './retry.js';

describe('isTransient', () => {
  it('retries conflicts, throttling, server errors and lost connections, not answers like 404 or AlreadyExists', () => {
    expect(isTransient(new ApiError(409, Reason.Conflict, 'c'))).toBe(true);
    expect(isTransient(new ApiError(429, Reason.TooManyRequests, 't'))).toBe(true);
    expect(isTransient(new ApiError(503, Reason.ServiceUnavailable, 's'))).toBe(true);
    expect(isTransient(new Error('ECONNRESET'))).toBe(true);
    expect(isTransient(new ApiError(409, Reason.AlreadyExists, 'a'))).toBe(false);
    expect(isTransient(new ApiError(404, Reason.NotFound, 'n'))).toBe(false);
    expect(isTransient(new ApiError(422, Reason.Invalid, 'i'))).toBe(false);
  });
});

describe('withRetry', () => {
  it('retries transient failures until success', async () => {
    let calls = 0;
    const value = await withRetry(async () => {
      if (++calls < 3) throw new ApiError(503, Reason.ServiceUnavailable, 'busy');
      return 'ok';
    }, { attempts: 5, baseMs: 1 });
    expect([value, calls]).toEqual(['ok', 3]);
  });

  it('gives up after the attempts, and at once on a permanent failure', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw new ApiError(500, Reason.InternalError, 'x'); }, { attempts: 3, baseMs: 1 })).rejects.toThrow('x');
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetry(async () => { calls++; throw new ApiError(422, Reason.Invalid, 'bad'); }, { attempts: 3, baseMs: 1 })).rejects.toThrow('bad');
    expect(calls).toBe(1);
  });

  it('stops retrying once aborted', async () => {
    const abort = new AbortController();
    let calls = 0;
    const pending = withRetry(async () => { calls++; throw new Error('down'); }, { attempts: Infinity, baseMs: 50, signal: abort.signal });
    setTimeout(() => abort.abort(), 120);
    await expect(pending).rejects.toThrow('down');
    expect(calls).toBeLessThan(10);
  });
});

describe('forEachLimited', () => {
  it('runs every item with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachLimited([...Array(20).keys()], 4, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1 + (i % 3)));
      inFlight--;
      done.push(i);
    });
    expect(peak).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it('stops starting items after a failure and throws it', async () => {
    const started: number[] = [];
    await expect(forEachLimited([...Array(10).keys()], 2, async (i) => {
      started.push(i);
      if (i === 1) throw new Error('boom');
      await new Promise((r) => setTimeout(r, 5));
    })).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(10);
  });
});
