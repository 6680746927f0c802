import { describe, expect, it } from '@jest/globals';
import { PodInfo } from '../framework/pod-info.js';
import type { ClusterEvent } from '../framework/types.js';
import { makePod } from '../testing/builders.js';
import { SchedulingQueue, type QueuedPod } from './scheduling-queue.js';

function queue(now: { t: number }, events: Record<string, ClusterEvent[]> = {}): SchedulingQueue {
  return new SchedulingQueue({
    now: () => now.t,
    initialBackoffMs: 1000,
    maxBackoffMs: 4000,
    unschedulableTimeoutMs: 60_000,
    pluginEvents: new Map(Object.entries(events).map(([k, v]) => [k, new Set(v)])),
  });
}

const pod = (name: string, priority = 0, createdAt?: string): PodInfo => new PodInfo(makePod(name, { priority, createdAt }));

describe('SchedulingQueue', () => {
  it('pops higher priority first, then the pod queued earliest', async () => {
    const now = { t: 1000 };
    const q = queue(now);
    q.add(pod('low', 0));
    now.t++;
    q.add(pod('high', 100));
    now.t++;
    q.add(pod('low-later', 0));
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.pop())!.podInfo.key);
    expect(order).toEqual(['default/high', 'default/low', 'default/low-later']);
    q.close();
  });

  it('parks a rejected pod until an event its rejecting plugin cares about', () => {
    const now = { t: 0 };
    const q = queue(now, { NodeResourcesFit: ['NodeAdd', 'AssignedPodDelete'] });
    q.add(pod('big'));
    const got = q.tryPop()!;
    q.requeueFailed(got, ['NodeResourcesFit'], q.currentCycle + 1);
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
    q.onClusterEvent('NodeLabelChange');
    expect(q.lengths().unschedulable).toBe(1);
    q.onClusterEvent('AssignedPodDelete');
    // Moved out, but still inside its 1 s backoff.
    expect(q.lengths()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
    now.t += 1000;
    expect(q.tryPop()?.podInfo.key).toBe('default/big');
    q.close();
  });

  it('backs off exponentially per attempt (1 s, 2 s, 4 s), capped at the maximum', () => {
    const now = { t: 0 };
    const q = queue(now);
    q.add(pod('p'));
    const waits: number[] = [];
    let got = q.tryPop()!;
    for (let attempt = 1; attempt <= 4; attempt++) {
      q.requeueFailed(got, [], q.currentCycle);
      const failedAt = now.t;
      let next: QueuedPod | undefined;
      while (!(next = q.tryPop())) now.t += 250;
      waits.push(now.t - failedAt);
      got = next;
    }
    expect(waits).toEqual([1000, 2000, 4000, 4000]);
    q.close();
  });

  it('sends a pod rejected while a move event happened during its cycle to backoff, not parking', () => {
    const now = { t: 0 };
    const q = queue(now, { NodeResourcesFit: ['NodeAdd'] });
    q.add(pod('p'));
    const got = q.tryPop()!;
    const cycle = q.currentCycle;
    q.onClusterEvent('NodeAdd'); // a node arrived while the pod was being filtered
    q.requeueFailed(got, ['NodeResourcesFit'], cycle);
    expect(q.lengths()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
    q.close();
  });

  it('forgets deleted pods and retries an updated unschedulable pod', () => {
    const now = { t: 0 };
    const q = queue(now, { NodeAffinity: ['NodeLabelChange'] });
    q.add(pod('a'));
    q.add(pod('b'));
    q.delete('default/a');
    const b = q.tryPop()!;
    expect(b.podInfo.key).toBe('default/b');
    q.requeueFailed(b, ['NodeAffinity'], q.currentCycle + 1);
    now.t += 5000;
    q.update(pod('b'));
    expect(q.tryPop()?.podInfo.key).toBe('default/b');
    expect(q.tryPop()).toBeUndefined();
    q.close();
  });

  it('wakes a preemptor waiting for its victims only when a pod leaves its nominated node', () => {
    const now = { t: 0 };
    const q = queue(now, { NodeResourcesFit: ['AssignedPodDelete'] });
    q.add(pod('preemptor', 1000));
    q.requeueFailed(q.tryPop()!, ['NodeResourcesFit'], q.currentCycle + 1, 'node-a');
    now.t += 5000;
    q.onClusterEvent('AssignedPodDelete', 'node-b');
    expect(q.lengths().unschedulable).toBe(1);
    q.onClusterEvent('AssignedPodDelete', 'node-a');
    expect(q.tryPop()?.podInfo.key).toBe('default/preemptor');
    q.close();
  });

  it('pop waits for the next pod and resolves undefined on close', async () => {
    const q = queue({ t: 0 });
    const waiting = q.pop();
    q.add(pod('late'));
    expect((await waiting)?.podInfo.key).toBe('default/late');
    const never = q.pop();
    q.close();
    expect(await never).toBeUndefined();
  });
});
