import { describe, expect, it } from '@jest/globals';
import { CLUSTER_TYPE, ENDPOINT_TYPE } from './protos.js';
import { PushScheduler } from './push-scheduler.js';
import type { Snapshot } from './snapshot-cache.js';
import type { SnapshotDiff } from './snapshot-diff.js';
import { emptyResourceSet } from './resources.js';

const snapshot = (version: string): Snapshot => ({ version, resources: emptyResourceSet() });
const until = (check: () => boolean): Promise<void> => new Promise((resolve) => {
  const poll = (): void => { if (check()) resolve(); else setTimeout(poll, 1); };
  poll();
});

describe('PushScheduler', () => {
  it('turns a burst of changes into one push per stream with the latest snapshot and every changed name', async () => {
    const pushes: [string, string, SnapshotDiff][] = [];
    const scheduler = new PushScheduler<string>((s, snap, diff) => pushes.push([s, snap.version, diff]), { coalesceMs: 20 });
    scheduler.enqueue(snapshot('1'), new Map([[ENDPOINT_TYPE, new Set(['a'])]]), ['s1', 's2']);
    scheduler.enqueue(snapshot('2'), new Map([[ENDPOINT_TYPE, new Set(['b'])], [CLUSTER_TYPE, new Set(['c'])]]), ['s1', 's2', 's3']);
    scheduler.forget('s2');
    await until(() => scheduler.waiting === 0);
    expect(pushes.map(([s, v, d]) => [s, v, Object.fromEntries([...d].map(([t, n]) => [t, [...n].sort()]))])).toEqual([
      ['s1', '2', { [ENDPOINT_TYPE]: ['a', 'b'], [CLUSTER_TYPE]: ['c'] }],
      ['s3', '2', { [ENDPOINT_TYPE]: ['b'], [CLUSTER_TYPE]: ['c'] }],
    ]);
  });

  it('lets other work run between slices of a long fleet', async () => {
    const streams = Array.from({ length: 20 }, (_, i) => i);
    let pushed = 0;
    let pushedWhenOtherWorkRan = -1;
    const scheduler = new PushScheduler<number>(() => {
      if (pushed++ === 0) setImmediate(() => { pushedWhenOtherWorkRan = pushed; });
      const end = Date.now() + 2;
      while (Date.now() < end) { /* a slow push */ }
    }, { coalesceMs: 0, sliceMs: 5 });
    scheduler.enqueue(snapshot('1'), new Map(), streams);
    await until(() => scheduler.waiting === 0 && pushed === streams.length);
    expect(pushedWhenOtherWorkRan).toBeGreaterThan(0);
    expect(pushedWhenOtherWorkRan).toBeLessThan(streams.length);
  });
});
