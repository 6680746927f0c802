import { describe, expect, it } from '@jest/globals';
import { initialProbeState, nextProbeState, type ProbeState } from './probe-state.js';

const run = (state: ProbeState, attempts: boolean[], probe = {}): ProbeState => attempts.reduce((s, ok) => nextProbeState(s, ok, probe), state);

describe('probe thresholds', () => {
  it('starts not ready (readiness), alive (liveness), undecided (startup)', () => {
    expect(initialProbeState('readiness').result).toBe('failure');
    expect(initialProbeState('liveness').result).toBe('success');
    expect(initialProbeState('startup').result).toBeUndefined();
  });

  it('flips to failure only after failureThreshold failures in a row (default 3)', () => {
    const live = initialProbeState('liveness');
    expect(run(live, [false, false]).result).toBe('success');
    expect(run(live, [false, false, true, false, false]).result).toBe('success');
    expect(run(live, [false, false, false]).result).toBe('failure');
    expect(run(live, [false], { failureThreshold: 1 }).result).toBe('failure');
  });

  it('flips to success after successThreshold successes in a row', () => {
    const ready = initialProbeState('readiness');
    expect(run(ready, [true]).result).toBe('success');
    expect(run(ready, [true, false, true], { successThreshold: 2 }).result).toBe('failure');
    expect(run(ready, [true, true], { successThreshold: 2 }).result).toBe('success');
  });
});
