/**
 * Retry decisions (Envoy's router semantics): which attempt outcomes the route's `retry_on` conditions cover, and
 * whether the cluster's retry limits (`max_retries` concurrent retries, or a retry budget: a percentage of active
 * requests, never fewer than 3) allow one more.
 */
import type { CircuitThresholds, RetryPolicy } from './config-model.js';

/** How one upstream attempt ended. */
export type AttemptResult =
  | { kind: 'response'; status: number }
  | { kind: 'connect-failure' | 'reset' | 'timeout'; error: string };

/** Envoy's default concurrent-retry limit per cluster, and a retry budget's minimum concurrency. */
const DEFAULT_MAX_RETRIES = 3;

export function isRetriable(policy: RetryPolicy, result: AttemptResult): boolean {
  const on = policy.on;
  switch (result.kind) {
    case 'response': {
      const s = result.status;
      return (on.has('5xx') && s >= 500) || (on.has('gateway-error') && s >= 502 && s <= 504) || (on.has('retriable-4xx') && s === 409);
    }
    case 'connect-failure':
      return on.has('5xx') || on.has('connect-failure') || on.has('gateway-error');
    case 'reset':
      return on.has('5xx') || on.has('reset') || on.has('gateway-error');
    case 'timeout':
      // A per-try timeout: Envoy retries it under 5xx, gateway-error and reset.
      return on.has('5xx') || on.has('reset') || on.has('gateway-error');
  }
}

/** Whether the cluster may start one more retry while `activeRetries` run among `activeRequests`. */
export function retryAllowed(t: CircuitThresholds, activeRequests: number, activeRetries: number): boolean {
  if (t.retryBudgetPercent !== undefined) return activeRetries < Math.max(DEFAULT_MAX_RETRIES, (activeRequests * t.retryBudgetPercent) / 100);
  return activeRetries < (t.maxRetries ?? DEFAULT_MAX_RETRIES);
}

/** Jittered exponential backoff before retry `n` (1-based): up to 25 ms × 2^(n-1), capped at 250 ms (Envoy's defaults). */
export function retryBackoffMs(n: number, random: number = Math.random()): number {
  return Math.floor(random * Math.min(250, 25 * 2 ** (n - 1)));
}
