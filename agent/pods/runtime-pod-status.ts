/**
 * A pod's status from its real containers: per-container state/lastState/restartCount (runtime attempts),
 * waiting reasons the agent knows (image pulls, crash back-off), probe-driven ready/started, and the phase by
 * the kubelet's rules. Pure.
 */
import type { Container, ContainerStatus as KubeStatus, Pod, PodStatus } from '../../api/types/core.js';
import { kubeRestartView } from '../runtime/container-state.js';
import type { ContainerStatus } from '../runtime/runtime.js';
import { Labels, type ContainerKind } from './container-config.js';
import { groupAttempts } from './pod-plan.js';
import { conditions, PodReason, type ConditionSpec } from './pod-status.js';

export const WaitingReason = {
  ContainerCreating: 'ContainerCreating',
  PodInitializing: 'PodInitializing',
  CrashLoopBackOff: 'CrashLoopBackOff',
  CreateContainerError: 'CreateContainerError',
  /** The container's env (or volumes) refer to a ConfigMap, Secret or key that does not exist. */
  CreateContainerConfigError: 'CreateContainerConfigError',
} as const;

export interface Waiting {
  reason: string;
  message?: string;
}

/** Why the whole pod failed whatever its containers did (activeDeadlineSeconds). */
export interface PodFailure {
  reason: string;
  message: string;
}

export interface StatusInputs {
  hostIP: string;
  /** Empty until the pod has a network of its own (CNI). */
  podIP?: string;
  observed: ContainerStatus[];
  /** Why a container that is not running waits, keyed `<kind>/<name>` (image errors, back-off ...). */
  waiting: ReadonlyMap<string, Waiting>;
  /** A running container's probe view. */
  probes: (containerId: string) => { ready: boolean; started: boolean };
  initFailed: boolean;
  failure?: PodFailure;
}

export const waitingKey = (kind: ContainerKind, name: string): string => `${kind}/${name}`;

type Counts = { running: number; waiting: number; stopped: number; succeeded: number };

function containerStatus(spec: Container, kind: ContainerKind, inputs: StatusInputs, counts: Counts, notYet: string): KubeStatus {
  const { latest, previous } = groupAttempts(inputs.observed, kind, spec.name);
  const base = { name: spec.name, image: spec.image ?? '' };
  const waiting = inputs.waiting.get(waitingKey(kind, spec.name));
  if (!latest) {
    counts.waiting++;
    return { ...base, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { ...(waiting ?? { reason: notYet }) } } };
  }
  const view = kubeRestartView(latest, previous);
  const ids = { imageID: latest.labels[Labels.imageId] ?? '', containerID: `runc://${latest.id}` };
  if (latest.state === 'running') {
    counts.running++;
    const probe = inputs.probes(latest.id);
    return { ...base, ...ids, ready: probe.ready, started: probe.started, restartCount: view.restartCount, state: view.state, lastState: view.lastState };
  }
  if (latest.state === 'exited' && waiting) {
    // About to restart: the exit just seen becomes lastState, as the kubelet shows it.
    counts.stopped++;
    return { ...base, ...ids, ready: false, started: false, restartCount: view.restartCount, state: { waiting: { ...waiting } }, lastState: view.state };
  }
  if (latest.state === 'exited') {
    counts.stopped++;
    if (latest.exitCode === 0) counts.succeeded++;
  } else counts.waiting++;
  return { ...base, ...ids, ready: false, started: false, restartCount: view.restartCount, state: view.state, lastState: view.lastState };
}

function phase(pod: Pod, initDone: boolean, initFailed: boolean, c: Counts): NonNullable<PodStatus['phase']> {
  if (initFailed) return 'Failed';
  if (!initDone || c.waiting > 0) return 'Pending';
  if (c.running > 0) return 'Running';
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (policy === 'Always') return 'Running';
  if (c.stopped === c.succeeded) return 'Succeeded';
  return policy === 'OnFailure' ? 'Running' : 'Failed';
}

export function runtimePodStatus(pod: Pod, inputs: StatusInputs, now: Date): PodStatus {
  const t = now.toISOString();
  const initCounts: Counts = { running: 0, waiting: 0, stopped: 0, succeeded: 0 };
  const initContainerStatuses = (pod.spec.initContainers ?? []).map((s) => containerStatus(s, 'init', inputs, initCounts, WaitingReason.PodInitializing));
  const initDone = initCounts.succeeded === initContainerStatuses.length;
  const counts: Counts = { running: 0, waiting: 0, stopped: 0, succeeded: 0 };
  const containerStatuses = pod.spec.containers.map((s) => containerStatus(s, 'app', inputs, counts, initDone ? WaitingReason.ContainerCreating : WaitingReason.PodInitializing));
  const podPhase = inputs.failure ? 'Failed' : phase(pod, initDone, inputs.initFailed, counts);
  const unready = containerStatuses.filter((c) => !c.ready).map((c) => c.name);
  const notReady = { reason: PodReason.ContainersNotReady, message: `containers with unready status: [${unready.join(' ')}]` };
  const terminal = podPhase === 'Succeeded' || podPhase === 'Failed';
  const ready = unready.length === 0 && !terminal;
  const wanted: ConditionSpec[] = [
    { type: 'Initialized', ok: initDone || terminal, ...(initDone || terminal ? {} : { reason: 'ContainersNotInitialized' }) },
    { type: 'Ready', ok: ready, ...(ready ? {} : terminal ? { reason: PodReason.PodCompleted } : notReady) },
    { type: 'ContainersReady', ok: ready, ...(ready ? {} : terminal ? { reason: PodReason.PodCompleted } : notReady) },
    { type: 'PodScheduled', ok: true },
  ];
  const status: PodStatus = {
    ...pod.status,
    phase: podPhase,
    conditions: conditions(pod, wanted, t),
    hostIP: inputs.hostIP,
    ...(inputs.podIP ? { podIP: inputs.podIP, podIPs: [{ ip: inputs.podIP }] } : {}),
    startTime: pod.status?.startTime ?? t,
    ...(inputs.failure ? { reason: inputs.failure.reason, message: inputs.failure.message } : {}),
    containerStatuses,
    ...(initContainerStatuses.length ? { initContainerStatuses } : {}),
  };
  // No undefined members: the result is compared with what the API returned to skip needless writes.
  return JSON.parse(JSON.stringify(status)) as PodStatus;
}
