import { describe, expect, it } from '@jest/globals';
import { CoalescedSync } from './coalesced-sync.js';

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('CoalescedSync', () => {
  it('folds triggers that arrive during a run into one more run, never two at once', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const sync = new CoalescedSync(async () => {
      running++; maxRunning = Math.max(maxRunning, running); runs++;
      await tick(20);
      running--;
    }, () => undefined);
    sync.trigger();
    await tick();
    for (let i = 0; i < 10; i++) sync.trigger();
    await sync.settled();
    expect(maxRunning).toBe(1);
    expect(runs).toBe(2); // the first, then one for the burst and settled()'s own trigger together
    await sync.stop();
  });

  it('retries a failed run and resolves settled() only after a success', async () => {
    let attempts = 0;
    const errors: unknown[] = [];
    const sync = new CoalescedSync(async () => {
      attempts++;
      if (attempts < 3) throw new Error('kernel said no');
    }, (err) => errors.push(err), 10);
    await sync.settled();
    expect(attempts).toBe(3);
    expect(errors).toHaveLength(2);
    await sync.stop();
  });
});
