import { describe, expect, it } from '@jest/globals';
import type { MeshPolicyStatus } from '../../api/types/mesh.js';
import { DELIVERED_NOT_ENFORCED, MAX_MESSAGE, MAX_REJECTIONS, policyStatus, statusChanged } from './policy-status.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const T1 = new Date('2026-01-01T00:01:00Z');
const rejection = (node: string, message = 'bad lb_policy') => ({ node, message, since: T0.getTime() });

describe('policyStatus', () => {
  it('is Accepted when no connected proxy rejects the Service, and says nothing while proxies are applying it', () => {
    const status = policyStatus(undefined, undefined, 3, T0);
    expect(status).toEqual({ conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: expect.any(String), lastTransitionTime: T0.toISOString(), observedGeneration: 3 }] });
    expect(policyStatus(status, { rejectedBy: [], pending: true }, 3, T1)).toBeUndefined();
    // Recomputed later with nothing new: identical, so never rewritten.
    expect(statusChanged(status, policyStatus(status, undefined, 3, T1)!)).toBe(false);
  });

  it('says a delivered policy nothing enforces is not enforced (MeshAuthorization), rather than in effect', () => {
    const status = policyStatus(undefined, undefined, 1, T0, DELIVERED_NOT_ENFORCED)!;
    expect(status.conditions![0]).toMatchObject({ type: 'Accepted', status: 'True', reason: 'AcceptedNotEnforced', message: expect.stringContaining('not enforced') });
  });

  it('is Rejected with the first error and lists the rejecting nodes, keeping their times while unchanged', () => {
    const programmed = { type: 'Programmed' as const, status: 'True' as const, reason: 'x', message: '', lastTransitionTime: T0.toISOString() };
    const accepted = policyStatus({ conditions: [programmed] }, undefined, 1, T0)!;
    const rejected = policyStatus(accepted, { rejectedBy: [rejection('n1'), rejection('n2', 'other')], pending: true }, 1, T1)!;
    expect(rejected.conditions).toEqual([programmed, expect.objectContaining({ status: 'False', reason: 'Rejected', message: 'rejected by 2 proxies; n1: bad lb_policy', lastTransitionTime: T1.toISOString() })]);
    expect(rejected.rejectedBy).toEqual([{ node: 'n1', message: 'bad lb_policy', lastTransitionTime: T0.toISOString() }, { node: 'n2', message: 'other', lastTransitionTime: T0.toISOString() }]);
    const later = policyStatus(rejected, { rejectedBy: [{ ...rejection('n1'), since: T1.getTime() }], pending: false }, 1, T1)!;
    expect(later.rejectedBy).toEqual([{ node: 'n1', message: 'bad lb_policy', lastTransitionTime: T0.toISOString() }]);
    const fixed = policyStatus(later, undefined, 2, T1)!;
    expect(fixed.rejectedBy).toBeUndefined();
    expect(fixed.conditions![1]).toMatchObject({ status: 'True', observedGeneration: 2 });
  });

  it('bounds the list and the messages', () => {
    const many = Array.from({ length: 50 }, (_, i) => rejection(`n${i}`, 'x'.repeat(5000)));
    const status: MeshPolicyStatus = policyStatus(undefined, { rejectedBy: many, pending: false }, 1, T0)!;
    expect(status.rejectedBy).toHaveLength(MAX_REJECTIONS);
    expect(status.rejectedBy![0]!.message).toHaveLength(MAX_MESSAGE);
    expect(status.conditions![0]!.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(status.conditions![0]!.message).toMatch(/^rejected by 50 proxies; n0: x+…$/);
  });
});
