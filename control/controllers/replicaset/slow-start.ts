/** kube's SlowStartInitialBatchSize: the first batch of creations is a single pod. */
export const SLOW_START_INITIAL_BATCH = 1;

export interface SlowStartResult {
  /** Calls of `fn` that succeeded. */
  successes: number;
  /** Calls never made because an earlier batch failed. */
  skipped: number;
  /** The first failure, if any. */
  error?: unknown;
}

/**
 * Calls `fn` `count` times in batches of 1, 2, 4, ... (each batch in parallel), stopping after the first batch
 * with a failure, so a template the API rejects costs one request, not `count` (kube's slowStartBatch).
 * `betweenBatches` runs after each batch that succeeded when another follows (e.g. to report progress).
 */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>, betweenBatches?: () => Promise<void>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initialBatchSize); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.length - results.filter((r) => r.status === 'rejected').length;
    remaining -= size;
    if (failed) return { successes, skipped: remaining, error: failed.reason };
    if (remaining > 0) await betweenBatches?.();
  }
  return { successes, skipped: 0 };
}
