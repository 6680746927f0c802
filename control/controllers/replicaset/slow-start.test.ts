import { describe, expect, it } from '@jest/globals';
import { slowStartBatch } from './slow-start.js';

/** Records how many calls run in each batch (calls of one batch start before any of them settles). */
function recorder(failAt?: number): { fn: () => Promise<void>; batches: number[] } {
  const batches: number[] = [];
  let calls = 0;
  let open = false;
  const fn = async (): Promise<void> => {
    const n = ++calls;
    if (!open) { batches.push(0); open = true; queueMicrotask(() => { open = false; }); }
    batches[batches.length - 1]!++;
    await Promise.resolve();
    if (failAt !== undefined && n >= failAt) throw new Error(`call ${n} failed`);
  };
  return { fn, batches };
}

describe('slowStartBatch', () => {
  it('runs batches of 1, 2, 4, ... up to the count', async () => {
    const { fn, batches } = recorder();
    expect(await slowStartBatch(10, 1, fn)).toEqual({ successes: 10, skipped: 0 });
    expect(batches).toEqual([1, 2, 4, 3]);
  });

  it('runs betweenBatches after every batch but the last, before the next starts', async () => {
    const { fn, batches } = recorder();
    const seen: number[] = [];
    await slowStartBatch(10, 1, fn, async () => { seen.push(batches.reduce((a, b) => a + b, 0)); });
    expect(seen).toEqual([1, 3, 7]);
  });

  it('stops after the first batch with a failure and reports what was skipped', async () => {
    const { fn, batches } = recorder(1);
    const result = await slowStartBatch(100, 1, fn);
    expect(batches).toEqual([1]);
    expect(result).toMatchObject({ successes: 0, skipped: 99 });
    expect((result.error as Error).message).toBe('call 1 failed');
  });

  it('counts the successes of a partly failed batch', async () => {
    const { fn } = recorder(3);
    const result = await slowStartBatch(7, 1, fn);
    expect(result).toMatchObject({ successes: 2, skipped: 4 });
  });

  it('does nothing for zero', async () => {
    const { fn, batches } = recorder();
    expect(await slowStartBatch(0, 1, fn)).toEqual({ successes: 0, skipped: 0 });
    expect(batches).toEqual([]);
  });
});
