import { describe, expect, it } from '@jest/globals';
import type { GcOptions, GcResult } from '../images/image-service.js';
import { Labels } from '../pods/container-config.js';
import type { ContainerStatus } from '../runtime/runtime.js';
import { ImageGcLoop } from './image-gc-loop.js';

const container = (id: string, imageID?: string, state: ContainerStatus['state'] = 'running'): ContainerStatus => ({
  id, podId: 'pod', name: id, attempt: 0, state, createdAt: '', logPath: '', labels: imageID ? { [Labels.imageId]: imageID } : {},
});

function fakeImages() {
  const calls: GcOptions[] = [];
  let release: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  return {
    calls,
    hold: () => { gate = new Promise((r) => { release = r; }); },
    release: () => release(),
    garbageCollect: async (o: GcOptions): Promise<GcResult> => {
      calls.push(o);
      await gate;
      return { removed: [], freedBytes: 0, neededBytes: 0 };
    },
  };
}

describe('ImageGcLoop', () => {
  it('collects with the kubelet thresholds, sparing images of every container on the node, exited ones too', async () => {
    const images = fakeImages();
    const runtime = { listContainers: async () => [container('a', 'sha256:1'), container('b', 'sha256:2', 'exited'), container('c')] };
    await new ImageGcLoop(images, runtime).collect();
    expect(images.calls).toEqual([expect.objectContaining({ highThresholdPercent: 85, lowThresholdPercent: 80, inUse: new Set(['sha256:1', 'sha256:2']) })]);
  });

  it('joins a collection already running instead of starting another', async () => {
    const images = fakeImages();
    const loop = new ImageGcLoop(images, { listContainers: async () => [] }, { thresholds: { highThresholdPercent: 90, lowThresholdPercent: 50 } });
    images.hold();
    const first = loop.collect();
    const second = loop.collect();
    expect(second).toBe(first);
    images.release();
    await first;
    await loop.collect();
    expect(images.calls.map((c) => c.lowThresholdPercent)).toEqual([50, 50]);
  });

  it('runs on its period until stopped', async () => {
    const images = fakeImages();
    const loop = new ImageGcLoop(images, { listContainers: async () => [] }, { intervalMs: 20 });
    loop.start();
    await new Promise((r) => setTimeout(r, 150));
    await loop.stop();
    const runs = images.calls.length;
    expect(runs).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 60));
    expect(images.calls.length).toBe(runs);
  });

  it('rejects thresholds where low is above high', () => {
    expect(() => new ImageGcLoop(fakeImages(), { listContainers: async () => [] }, { thresholds: { highThresholdPercent: 70, lowThresholdPercent: 80 } })).toThrow(/invalid image GC thresholds/);
  });
});
