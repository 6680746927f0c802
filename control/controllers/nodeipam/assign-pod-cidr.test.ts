import { describe, expect, it } from '@jest/globals';
import { ApiError, Reason } from '../../../api/errors.js';
import type { Node } from '../../../api/types/core.js';
import { assignPodCIDR } from './assign-pod-cidr.js';
import { CidrSet } from './cidr-set.js';

const node = (rv: string, podCIDR?: string): Node => ({ metadata: { name: 'n1', resourceVersion: rv }, ...(podCIDR ? { spec: { podCIDR } } : {}) });

/** A fake nodes client: `patch` fails with the queued errors first, then records; `get` answers `current`. */
function fakeNodes(errors: ApiError[], current: () => Node) {
  const patches: unknown[] = [];
  return {
    patches,
    client: {
      async patch(_name: string, patch: unknown): Promise<Node> {
        const err = errors.shift();
        if (err) throw err;
        patches.push(patch);
        return current();
      },
      async get(): Promise<Node> {
        return current();
      },
    },
  };
}
const conflict = (): ApiError => new ApiError(409, Reason.Conflict, 'the object has been modified');

describe('assignPodCIDR', () => {
  it('writes podCIDR and podCIDRs pinned to the node\'s resourceVersion', async () => {
    const cidrs = new CidrSet('10.244.0.0/16', 24);
    const fake = fakeNodes([], () => node('5'));
    expect(await assignPodCIDR(fake.client, cidrs, node('5'))).toBe('assigned');
    expect(fake.patches).toEqual([{ metadata: { resourceVersion: '5' }, spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] } }]);
    expect(cidrs.free).toBe(255);
  });

  it('on a conflict re-reads the node and retries with its new resourceVersion, without leaking the first range', async () => {
    const cidrs = new CidrSet('10.244.0.0/16', 24);
    const fake = fakeNodes([conflict()], () => node('6'));
    expect(await assignPodCIDR(fake.client, cidrs, node('5'))).toBe('assigned');
    expect(fake.patches).toEqual([{ metadata: { resourceVersion: '6' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } }]);
    expect(cidrs.free).toBe(255);
  });

  it('keeps a range the node got from someone else meanwhile', async () => {
    const cidrs = new CidrSet('10.244.0.0/16', 24);
    const fake = fakeNodes([conflict()], () => node('6', '10.244.7.0/24'));
    expect(await assignPodCIDR(fake.client, cidrs, node('5'))).toBe('assigned');
    expect(fake.patches).toEqual([]);
    expect(cidrs.free).toBe(255);
    expect(cidrs.allocateNext()).not.toBe('10.244.7.0/24');
  });

  it('gives up after bounded conflicts, freeing the range', async () => {
    const cidrs = new CidrSet('10.244.0.0/16', 24);
    const fake = fakeNodes(Array.from({ length: 10 }, conflict), () => node('6'));
    await expect(assignPodCIDR(fake.client, cidrs, node('5'))).rejects.toMatchObject({ code: 409 });
    expect(cidrs.free).toBe(256);
  });

  it('keeps the range reserved after a failure that may have been written', async () => {
    const cidrs = new CidrSet('10.244.0.0/16', 24);
    const fake = fakeNodes([new ApiError(503, Reason.ServiceUnavailable, 'timeout')], () => node('5'));
    await expect(assignPodCIDR(fake.client, cidrs, node('5'))).rejects.toMatchObject({ code: 503 });
    expect(cidrs.free).toBe(255);
  });

  it('reports a full range and a vanished node', async () => {
    const full = new CidrSet('10.244.0.0/24', 24);
    full.occupy('10.244.0.0/24');
    expect(await assignPodCIDR(fakeNodes([], () => node('5')).client, full, node('5'))).toBe('exhausted');
    const cidrs = new CidrSet('10.244.0.0/16', 24);
    expect(await assignPodCIDR(fakeNodes([new ApiError(404, Reason.NotFound, 'gone')], () => node('5')).client, cidrs, node('5'))).toBe('gone');
    expect(cidrs.free).toBe(256);
  });
});
