import { describe, expect, it } from '@jest/globals';
import { isRetriable, retryAllowed, retryBackoffMs } from './retry.js';

const policy = (...on: string[]) => ({ on: new Set(on), numRetries: 2 });

describe('retry decisions', () => {
  it('retries what retry_on covers', () => {
    expect(isRetriable(policy('5xx'), { kind: 'response', status: 503 })).toBe(true);
    expect(isRetriable(policy('5xx'), { kind: 'response', status: 404 })).toBe(false);
    expect(isRetriable(policy('5xx'), { kind: 'reset', error: '' })).toBe(true);
    expect(isRetriable(policy('gateway-error'), { kind: 'response', status: 500 })).toBe(false);
    expect(isRetriable(policy('gateway-error'), { kind: 'response', status: 504 })).toBe(true);
    expect(isRetriable(policy('connect-failure'), { kind: 'connect-failure', error: '' })).toBe(true);
    expect(isRetriable(policy('connect-failure'), { kind: 'reset', error: '' })).toBe(false);
    expect(isRetriable(policy('reset'), { kind: 'timeout', error: '' })).toBe(true);
    expect(isRetriable(policy('retriable-4xx'), { kind: 'response', status: 409 })).toBe(true);
    expect(isRetriable(policy(), { kind: 'response', status: 503 })).toBe(false);
  });

  it('limits concurrent retries by max_retries (default 3) or the retry budget', () => {
    expect(retryAllowed({}, 100, 2)).toBe(true);
    expect(retryAllowed({}, 100, 3)).toBe(false);
    expect(retryAllowed({ maxRetries: 10 }, 100, 9)).toBe(true);
    expect(retryAllowed({ retryBudgetPercent: 20 }, 100, 19)).toBe(true);
    expect(retryAllowed({ retryBudgetPercent: 20 }, 100, 20)).toBe(false);
    expect(retryAllowed({ retryBudgetPercent: 20 }, 1, 2)).toBe(true);
  });

  it('backs off with jitter, growing and capped', () => {
    expect(retryBackoffMs(1, 0.999)).toBe(24);
    expect(retryBackoffMs(3, 0.999)).toBe(99);
    expect(retryBackoffMs(10, 0.999)).toBe(249);
    expect(retryBackoffMs(2, 0)).toBe(0);
  });
});
