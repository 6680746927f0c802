/** A probe's result over attempts, with Kubernetes' thresholds. Pure. */
import type { Probe } from '../../../api/types/core.js';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';
export type ProbeResult = 'success' | 'failure';

/** Before the first conclusive attempt: readiness says not ready, liveness says alive, startup says not yet. */
export const INITIAL_RESULT: Record<ProbeKind, ProbeResult | undefined> = { readiness: 'failure', liveness: 'success', startup: undefined };

export interface ProbeState {
  result: ProbeResult | undefined;
  successes: number;
  failures: number;
}

export const initialProbeState = (kind: ProbeKind): ProbeState => ({ result: INITIAL_RESULT[kind], successes: 0, failures: 0 });

/** The state after one attempt: the result flips only after successThreshold / failureThreshold attempts in a row. */
export function nextProbeState(state: ProbeState, ok: boolean, probe: Probe): ProbeState {
  const successes = ok ? state.successes + 1 : 0;
  const failures = ok ? 0 : state.failures + 1;
  let result = state.result;
  if (ok && successes >= (probe.successThreshold ?? 1)) result = 'success';
  if (!ok && failures >= (probe.failureThreshold ?? 3)) result = 'failure';
  return { result, successes, failures };
}
