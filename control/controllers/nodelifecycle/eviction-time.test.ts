import { describe, expect, it } from '@jest/globals';
import type { Taint, Toleration } from '../../../api/types/core.js';
import { evictionDecision } from './eviction-time.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' };
const tolerate = (seconds?: number, key = unreachable.key): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });

describe('taint eviction timing', () => {
  it('evicts at once a pod that does not tolerate a NoExecute taint', () => {
    expect(evictionDecision([], [unreachable], T0 + 5000)).toEqual({ kind: 'at', at: T0 + 5000 });
    expect(evictionDecision([tolerate(30, 'other')], [unreachable], T0)).toEqual({ kind: 'at', at: T0 });
  });

  it('waits tolerationSeconds from when the taint was added', () => {
    expect(evictionDecision([tolerate(30)], [unreachable], T0 + 1000)).toEqual({ kind: 'at', at: T0 + 30_000 });
  });

  it('takes the shortest tolerationSeconds of the tolerations used; zero or negative means now', () => {
    expect(evictionDecision([tolerate(300), tolerate(30)], [unreachable], T0)).toEqual({ kind: 'at', at: T0 + 30_000 });
    expect(evictionDecision([tolerate(-5)], [unreachable], T0)).toEqual({ kind: 'at', at: T0 });
  });

  it('never evicts a pod tolerating forever, and ignores other effects', () => {
    expect(evictionDecision([tolerate()], [unreachable], T0)).toEqual({ kind: 'never' });
    expect(evictionDecision([{ operator: 'Exists' }], [unreachable], T0)).toEqual({ kind: 'never' });
    expect(evictionDecision([], [{ key: 'x', effect: 'NoSchedule' }], T0)).toEqual({ kind: 'never' });
    expect(evictionDecision([], undefined, T0)).toEqual({ kind: 'never' });
  });

  it('counts from now for a taint without timeAdded (or one stamped in the future)', () => {
    expect(evictionDecision([tolerate(10)], [{ ...unreachable, timeAdded: undefined }], T0)).toEqual({ kind: 'at', at: T0 + 10_000 });
    expect(evictionDecision([tolerate(10)], [{ ...unreachable, timeAdded: '2027-01-01T00:00:00Z' }], T0)).toEqual({ kind: 'at', at: T0 + 10_000 });
  });
});
