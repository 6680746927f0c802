/**
 * What the agent should do next for one pod, from its spec and what the runtime reports. Pure: the pod
 * worker applies the steps. Init containers run one at a time, in order, each to a successful exit; then
 * every app container runs, restarted per restartPolicy. Liveness and startup probe failures kill.
 */
import type { Container, Pod } from '../../api/types/core.js';
import type { ContainerStatus } from '../runtime/runtime.js';
import { Labels, type ContainerKind } from './container-config.js';

/** A pod's containers of one kind and name across attempts: the newest and the one before it. */
export interface Attempts {
  latest?: ContainerStatus;
  previous?: ContainerStatus;
  /** Attempts older than `previous`: nothing needs them any more. */
  stale: ContainerStatus[];
}

export type Step =
  | { kind: 'start'; spec: Container; ctype: ContainerKind; attempt: number }
  | { kind: 'kill'; id: string; name: string; why: 'liveness' | 'startup' }
  | { kind: 'remove'; id: string };

export interface PodPlan {
  steps: Step[];
  /** Containers that should restart but must wait for their crash back-off (the worker decides how long). */
  restarts: { spec: Container; ctype: ContainerKind; attempt: number }[];
  /** An init container failed and restartPolicy is Never: the pod has failed. */
  initFailed: boolean;
}

/** Probe verdicts the plan needs: has this running container failed its liveness or startup probe? */
export type ProbeVerdict = (containerId: string) => 'liveness' | 'startup' | undefined;

export function groupAttempts(observed: ContainerStatus[], ctype: ContainerKind, name: string): Attempts {
  const mine = observed
    .filter((c) => c.name === name && (c.labels[Labels.kind] ?? 'app') === ctype)
    .sort((a, b) => b.attempt - a.attempt);
  return { latest: mine[0], previous: mine[1], stale: mine.slice(2) };
}

export function shouldRestart(pod: Pod, exitCode: number): boolean {
  const policy = pod.spec.restartPolicy ?? 'Always';
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

const succeeded = (c: ContainerStatus | undefined): boolean => c?.state === 'exited' && c.exitCode === 0;

/** Init containers always restart on failure unless the pod's restartPolicy is Never. */
function initStep(pod: Pod, spec: Container, a: Attempts, plan: PodPlan): 'done' | 'busy' {
  if (succeeded(a.latest)) return 'done';
  if (!a.latest || a.latest.state === 'created') plan.steps.push({ kind: 'start', spec, ctype: 'init', attempt: a.latest?.attempt ?? 0 });
  else if (a.latest.state === 'exited') {
    if ((pod.spec.restartPolicy ?? 'Always') === 'Never') plan.initFailed = true;
    else plan.restarts.push({ spec, ctype: 'init', attempt: a.latest.attempt + 1 });
  }
  return 'busy';
}

export function planPod(pod: Pod, observed: ContainerStatus[], verdict: ProbeVerdict): PodPlan {
  const plan: PodPlan = { steps: [], restarts: [], initFailed: false };
  const all: [ContainerKind, Container][] = [
    ...(pod.spec.initContainers ?? []).map((c): [ContainerKind, Container] => ['init', c]),
    ...pod.spec.containers.map((c): [ContainerKind, Container] => ['app', c]),
  ];
  for (const [ctype, spec] of all) {
    for (const old of groupAttempts(observed, ctype, spec.name).stale) plan.steps.push({ kind: 'remove', id: old.id });
  }
  const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  if (terminal) return plan;
  for (const spec of pod.spec.initContainers ?? []) {
    if (initStep(pod, spec, groupAttempts(observed, 'init', spec.name), plan) === 'busy') return plan;
  }
  for (const spec of pod.spec.containers) {
    const { latest } = groupAttempts(observed, 'app', spec.name);
    if (!latest || latest.state === 'created') {
      // `created` only survives an agent that stopped between create and start: that attempt is made again.
      plan.steps.push({ kind: 'start', spec, ctype: 'app', attempt: latest?.attempt ?? 0 });
    } else if (latest.state === 'running') {
      const why = verdict(latest.id);
      if (why) plan.steps.push({ kind: 'kill', id: latest.id, name: spec.name, why });
    } else if (latest.state === 'exited' && shouldRestart(pod, latest.exitCode ?? 0)) {
      plan.restarts.push({ spec, ctype: 'app', attempt: latest.attempt + 1 });
    }
  }
  return plan;
}
