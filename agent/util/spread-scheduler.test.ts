import { describe, expect, it } from '@jest/globals';
import { SpreadScheduler } from './spread-scheduler.js';

/** Lets every pending promise chain settle. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Drives a scheduler with a fake clock in `step` ms increments, recording when each key ran. */
async function simulate(keys: number, opts: { intervalMs: number; concurrency: number; untilMs: number; step: number }): Promise<Map<number, number[]>> {
  let clock = 0;
  const runs = new Map<number, number[]>();
  let inFlight = 0;
  let maxInFlight = 0;
  const scheduler = new SpreadScheduler<number>({
    intervalMs: opts.intervalMs,
    concurrency: opts.concurrency,
    now: () => clock,
    run: async (key) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      runs.set(key, [...(runs.get(key) ?? []), clock]);
      await Promise.resolve();
      inFlight--;
    },
  });
  scheduler.start();
  for (let k = 0; k < keys; k++) scheduler.add(k);
  for (; clock <= opts.untilMs; clock += opts.step) {
    scheduler.tick();
    await flush();
  }
  await scheduler.stop();
  expect(maxInFlight).toBeLessThanOrEqual(opts.concurrency);
  return runs;
}

describe('SpreadScheduler', () => {
  it('runs every key first at once, then once per interval', async () => {
    const runs = await simulate(50, { intervalMs: 1000, concurrency: 4, untilMs: 5000, step: 10 });
    for (const times of runs.values()) {
      expect(times[0]).toBe(0);
      const gaps = times.slice(2).map((t, i) => t - times[i + 1]!);
      for (const gap of gaps) expect(gap).toBe(1000);
      expect(times.length).toBeGreaterThanOrEqual(5);
    }
  });

  it('spreads the turns of many keys evenly over the interval', async () => {
    const runs = await simulate(200, { intervalMs: 1000, concurrency: 8, untilMs: 3000, step: 10 });
    // In the steady state (third second), each tenth of the interval holds about a tenth of the turns.
    const buckets = new Array(10).fill(0) as number[];
    for (const times of runs.values()) for (const t of times) if (t >= 2000 && t < 3000) buckets[Math.floor((t - 2000) / 100)]!++;
    expect(buckets.reduce((a, b) => a + b, 0)).toBe(200);
    for (const b of buckets) expect(b).toBeGreaterThanOrEqual(14);
    for (const b of buckets) expect(b).toBeLessThanOrEqual(26);
  });

  it('never runs more than the concurrency bound, and no key twice at once', async () => {
    let clock = 0;
    const running = new Set<number>();
    let peak = 0;
    const release: (() => void)[] = [];
    const scheduler = new SpreadScheduler<number>({
      intervalMs: 100, concurrency: 3, now: () => clock,
      run: async (key) => {
        expect(running.has(key)).toBe(false);
        running.add(key);
        peak = Math.max(peak, running.size);
        await new Promise<void>((resolve) => release.push(resolve));
        running.delete(key);
      },
    });
    scheduler.start();
    for (let k = 0; k < 10; k++) scheduler.add(k);
    for (; clock < 1000; clock += 10) {
      scheduler.tick();
      await flush();
      if (clock % 50 === 0) release.splice(0).forEach((r) => r());
    }
    release.splice(0).forEach((r) => r());
    await scheduler.stop();
    expect(peak).toBe(3);
  });

  it('stops running a removed key, and stop waits for runs in flight', async () => {
    let clock = 0;
    const ran: number[] = [];
    let finish: () => void = () => {};
    const scheduler = new SpreadScheduler<number>({
      intervalMs: 100, concurrency: 2, now: () => clock,
      run: async (key) => { ran.push(key); if (key === 1) await new Promise<void>((r) => { finish = r; }); },
    });
    scheduler.start();
    scheduler.add(0);
    scheduler.add(1);
    await flush();
    scheduler.remove(0);
    for (clock = 0; clock < 500; clock += 10) { scheduler.tick(); await flush(); }
    expect(ran).toEqual([0, 1]);
    let stopped = false;
    const stopping = scheduler.stop().then(() => { stopped = true; });
    await flush();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
  });
});
