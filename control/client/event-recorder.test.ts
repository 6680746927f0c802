import { describe, expect, it } from '@jest/globals';
import type { ApiObject } from '../../api/meta.js';
import type { ApiClient } from './client.js';
import { EventRecorder } from './event-recorder.js';

/** Records what the recorder writes, standing in for the API (unit test only). */
function fakeClient(): { client: ApiClient; creates: unknown[]; patches: unknown[] } {
  const creates: unknown[] = [];
  const patches: unknown[] = [];
  const events = { create: async (e: unknown) => { creates.push(e); return e; }, patch: async (_n: string, p: unknown) => { patches.push(p); return p; } };
  return { client: { resource: () => events } as unknown as ApiClient, creates, patches };
}

const pod = (name: string): ApiObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` } });

describe('EventRecorder', () => {
  it('creates an event once and counts repeats within the window', async () => {
    const t = { now: 1_000_000 };
    const { client, creates, patches } = fakeClient();
    const r = new EventRecorder(client, { component: 'test', now: () => t.now, concurrency: 1 });
    r.record(pod('a'), 'Warning', 'FailedScheduling', '0/3 nodes are available');
    await r.flush();
    t.now += 1000;
    r.record(pod('a'), 'Warning', 'FailedScheduling', '0/3 nodes are available');
    await r.flush();
    expect(creates).toHaveLength(1);
    expect(patches).toEqual([expect.objectContaining({ count: 2 })]);
  });

  it('remembers a bounded number of distinct events, forgetting the least recently seen first', async () => {
    const { client, creates, patches } = fakeClient();
    const r = new EventRecorder(client, { component: 'test', maxQueued: 100_000, concurrency: 64 });
    for (let i = 0; i < 5000; i++) r.record(pod(`p${i}`), 'Normal', 'Scheduled', `assigned p${i}`);
    r.record(pod('p4999'), 'Normal', 'Scheduled', 'assigned p4999'); // recent: aggregated
    r.record(pod('p0'), 'Normal', 'Scheduled', 'assigned p0'); // beyond the bound: forgotten, written anew
    await r.flush();
    expect(creates).toHaveLength(5001);
    expect(patches).toHaveLength(1);
  });
});
