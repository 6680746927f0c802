import { describe, expect, it } from '@jest/globals';
import { ApiError, Reason } from '../../api/errors.js';
import type { TrafficRoute } from '../../api/types/mesh.js';
import { writeStatus, type MeshPolicy } from './status-writer.js';

const route = (resourceVersion: string, status?: TrafficRoute['status']): TrafficRoute =>
  ({ metadata: { name: 'r', namespace: 'ns', resourceVersion, generation: 1 }, spec: { service: 's', rules: [] }, status });

/** A status subresource with the registry's compare-and-swap on resourceVersion. */
function fakeClient(stored: TrafficRoute): { client: Parameters<typeof writeStatus>[0]; writes: () => number; stored: () => TrafficRoute } {
  let writes = 0;
  return {
    writes: () => writes,
    stored: () => stored,
    client: {
      get: async () => structuredClone(stored),
      updateStatus: async (obj: MeshPolicy) => {
        if (obj.metadata.resourceVersion !== stored.metadata.resourceVersion) throw new ApiError(409, Reason.Conflict, 'the object has been modified');
        writes++;
        stored = { ...stored, status: (obj as TrafficRoute).status, metadata: { ...stored.metadata, resourceVersion: String(Number(stored.metadata.resourceVersion) + 1) } };
        return stored;
      },
    },
  };
}

describe('writeStatus', () => {
  it('re-reads and retries on a conflict, then leaves a settled object alone', async () => {
    const fake = fakeClient(route('5'));
    const rejection = { rejectedBy: [{ node: 'n1', message: 'bad', since: 0 }], pending: false };
    await writeStatus(fake.client, route('4'), rejection); // a stale copy: 409, re-read, write
    expect(fake.writes()).toBe(1);
    expect(fake.stored().status?.conditions?.[0]).toMatchObject({ type: 'Accepted', status: 'False', reason: 'Rejected' });
    await writeStatus(fake.client, fake.stored(), rejection);
    await writeStatus(fake.client, route('4'), rejection); // stale again, but the stored status is already right
    expect(fake.writes()).toBe(1);
  });

  it('gives up after a few conflicts instead of looping', async () => {
    const fake = fakeClient(route('5'));
    const racing = { ...fake.client, get: async () => route('3') }; // every read is already stale
    await expect(writeStatus(racing, route('4'), undefined)).rejects.toThrow('modified');
    expect(fake.writes()).toBe(0);
  });
});
