/**
 * A pod's status as its node reports it, from what the container runtime says. Pure; shared by every
 * runtime (sim, runc). Follows the kubelet: conditions keep their lastTransitionTime while their status
 * holds, conditions the agent does not own (readiness gates, disruption targets) are kept, startTime is set once.
 */
import type { Condition, ContainerStatus, Pod, PodStatus } from '../../api/types/core.js';

/** The kubelet's condition reasons. */
export const PodReason = {
  ContainersNotReady: 'ContainersNotReady',
  ReadinessGatesNotReady: 'ReadinessGatesNotReady',
  PodCompleted: 'PodCompleted',
  ContainerCreating: 'ContainerCreating',
  Completed: 'Completed',
  Error: 'Error',
} as const;

const AGENT_CONDITIONS = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

export interface RunningContainer {
  name: string;
  /** `<runtime>://<id>`. */
  containerID: string;
  imageID: string;
  startedAt: Date;
  ready: boolean;
  restartCount?: number;
}

export interface ExitedContainer {
  name: string;
  containerID: string;
  imageID: string;
  startedAt: Date;
  finishedAt: Date;
  exitCode: number;
}

/** Where the pod runs and what its containers are doing. */
export interface PodRuntimeView<C> {
  hostIP: string;
  /** The pod's address; a hostNetwork pod has the host's. */
  podIP: string;
  containers: C[];
  /** Init containers that have run to completion. */
  initContainers?: ExitedContainer[];
}

export interface ConditionSpec {
  type: string;
  ok: boolean;
  reason?: string;
  message?: string;
}

export function conditions(pod: Pod, wanted: ConditionSpec[], now: string): Condition[] {
  const before = new Map((pod.status?.conditions ?? []).map((c) => [c.type, c]));
  const ours = wanted.map(({ type, ok, reason, message }): Condition => {
    const status = ok ? 'True' : 'False';
    const old = before.get(type);
    return {
      type, status, lastProbeTime: null,
      lastTransitionTime: old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : now,
      ...(reason ? { reason } : {}), ...(message ? { message } : {}),
    };
  });
  return [...ours, ...(pod.status?.conditions ?? []).filter((c) => !AGENT_CONDITIONS.includes(c.type))];
}

function exitedStatus(name: string, image: string, c: ExitedContainer): ContainerStatus {
  return {
    name, image, imageID: c.imageID, containerID: c.containerID, ready: false, restartCount: 0, started: false,
    state: {
      terminated: {
        exitCode: c.exitCode, reason: c.exitCode === 0 ? PodReason.Completed : PodReason.Error,
        startedAt: c.startedAt.toISOString(), finishedAt: c.finishedAt.toISOString(), containerID: c.containerID,
      },
    },
  };
}

function base(pod: Pod, view: PodRuntimeView<unknown>, now: string): PodStatus {
  return {
    ...pod.status,
    hostIP: view.hostIP,
    podIP: view.podIP,
    podIPs: [{ ip: view.podIP }],
    startTime: pod.status?.startTime ?? now,
  };
}

function initStatuses(pod: Pod, done: ExitedContainer[] = []): ContainerStatus[] | undefined {
  const specs = pod.spec.initContainers ?? [];
  if (!specs.length) return undefined;
  return specs.flatMap((spec) => {
    const ran = done.find((c) => c.name === spec.name);
    return ran ? [exitedStatus(spec.name, spec.image ?? '', ran)] : [];
  });
}

/** Status of a pod whose containers have been started; Running once every container runs, Ready once every one is ready and the readiness gates pass. */
export function runningPodStatus(pod: Pod, view: PodRuntimeView<RunningContainer>, now: Date): PodStatus {
  const t = now.toISOString();
  const containerStatuses = pod.spec.containers.map((spec): ContainerStatus => {
    const c = view.containers.find((r) => r.name === spec.name);
    const image = spec.image ?? '';
    if (!c) return { name: spec.name, image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: PodReason.ContainerCreating } } };
    return {
      name: spec.name, image, imageID: c.imageID, containerID: c.containerID, ready: c.ready,
      restartCount: c.restartCount ?? 0, started: true, state: { running: { startedAt: c.startedAt.toISOString() } },
    };
  });
  const unready = containerStatuses.filter((c) => !c.ready).map((c) => c.name);
  const containersReady = unready.length === 0;
  const gates = (pod.spec.readinessGates as { conditionType: string }[] | undefined) ?? [];
  const gatesOpen = gates.every((g) => pod.status?.conditions?.some((c) => c.type === g.conditionType && c.status === 'True'));
  const notReady = { reason: PodReason.ContainersNotReady, message: `containers with unready status: [${unready.join(' ')}]` };
  const init = initStatuses(pod, view.initContainers);
  const initialized = (init ?? []).length === (pod.spec.initContainers ?? []).length;
  return {
    ...base(pod, view, t),
    phase: containerStatuses.every((c) => c.state?.running) ? 'Running' : 'Pending',
    conditions: conditions(pod, [
      { type: 'Initialized', ok: initialized },
      containersReady && !gatesOpen
        ? { type: 'Ready', ok: false, reason: PodReason.ReadinessGatesNotReady, message: 'the status of pod readiness gate is not "True"' }
        : { type: 'Ready', ok: containersReady, ...(containersReady ? {} : notReady) },
      { type: 'ContainersReady', ok: containersReady, ...(containersReady ? {} : notReady) },
      { type: 'PodScheduled', ok: true },
    ], t),
    containerStatuses,
    ...(init ? { initContainerStatuses: init } : {}),
  };
}

/** Status of a pod whose containers have all exited: Succeeded when every one exited 0, else Failed. */
export function terminatedPodStatus(pod: Pod, view: PodRuntimeView<ExitedContainer>, now: Date): PodStatus {
  const t = now.toISOString();
  const containerStatuses = pod.spec.containers.map((spec) => {
    // A container the runtime has no record of is taken as killed (128 + SIGKILL), as the kubelet does.
    const c = view.containers.find((r) => r.name === spec.name) ?? { name: spec.name, containerID: '', imageID: '', startedAt: now, finishedAt: now, exitCode: 137 };
    return exitedStatus(spec.name, spec.image ?? '', c);
  });
  const succeeded = containerStatuses.every((c) => c.state?.terminated?.exitCode === 0);
  const init = initStatuses(pod, view.initContainers);
  return {
    ...base(pod, view, t),
    phase: succeeded ? 'Succeeded' : 'Failed',
    conditions: conditions(pod, [
      { type: 'Initialized', ok: true, reason: PodReason.PodCompleted },
      { type: 'Ready', ok: false, reason: PodReason.PodCompleted },
      { type: 'ContainersReady', ok: false, reason: PodReason.PodCompleted },
      { type: 'PodScheduled', ok: true },
    ], t),
    containerStatuses,
    ...(init ? { initContainerStatuses: init } : {}),
  };
}
