import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, Reason } from '../../api/errors.js';

/**
 * Whether a failed request may succeed if sent again: a write conflict (re-read first), throttling,
 * a server-side failure, or no HTTP answer at all (connection refused or reset). AlreadyExists is also
 * a 409 but is an answer, not a transient failure.
 */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  if (err.code === 409) return err.reason === Reason.Conflict;
  return err.code === 429 || err.code >= 500;
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409 && err.reason === Reason.Conflict;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiError && err.reason === Reason.AlreadyExists;
}

export interface RetryOptions {
  /** Attempts in all, the first included; Infinity retries until `signal` aborts. */
  attempts: number;
  baseMs?: number;
  maxMs?: number;
  retryable?: (err: unknown) => boolean;
  /** Aborting stops waiting between attempts; the last error is thrown. */
  signal?: AbortSignal;
}

/** Runs `fn`, retrying retryable failures with capped exponential backoff (with jitter, so many callers do not retry in step). */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const retryable = opts.retryable ?? isTransient;
  const base = opts.baseMs ?? 100;
  const max = opts.maxMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= opts.attempts || !retryable(err) || opts.signal?.aborted) throw err;
      const delay = Math.min(base * 2 ** (attempt - 1), max);
      try {
        await sleep(delay / 2 + Math.random() * delay / 2, undefined, { signal: opts.signal });
      } catch {
        throw err;
      }
    }
  }
}
