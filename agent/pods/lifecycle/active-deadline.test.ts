import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../../api/types/core.js';
import { deadlineRemainingMs } from './active-deadline.js';

const pod = (activeDeadlineSeconds?: number, startTime?: string): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [], activeDeadlineSeconds }, status: { startTime } });

describe('deadlineRemainingMs', () => {
  const now = new Date('2026-01-01T00:01:00Z');
  it('counts from startTime', () => {
    expect(deadlineRemainingMs(pod(90, '2026-01-01T00:00:00Z'), now)).toBe(30_000);
    expect(deadlineRemainingMs(pod(30, '2026-01-01T00:00:00Z'), now)).toBe(-30_000);
  });
  it('is undefined without a deadline or a start', () => {
    expect(deadlineRemainingMs(pod(undefined, '2026-01-01T00:00:00Z'), now)).toBeUndefined();
    expect(deadlineRemainingMs(pod(30), now)).toBeUndefined();
  });
  it('is undefined once the pod has ended', () => {
    for (const phase of ['Succeeded', 'Failed'] as const) {
      expect(deadlineRemainingMs({ ...pod(30, '2026-01-01T00:00:00Z'), status: { phase, startTime: '2026-01-01T00:00:00Z' } }, now)).toBeUndefined();
    }
  });
});
