/**
 * A runtime's view of a container → the `state` / `lastState` / `restartCount` the kubelet reports in a
 * Pod's containerStatuses. Containers are recreated on restart with attempt + 1, so the current attempt is
 * the restart count and the previous attempt's end is the last state.
 */
import type { ContainerStatus } from './runtime.js';

export type KubeContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; message?: string; startedAt?: string; finishedAt?: string } };

export function kubeContainerState(status: ContainerStatus): KubeContainerState {
  switch (status.state) {
    case 'running':
      return { running: { startedAt: status.startedAt ?? status.createdAt } };
    case 'exited':
      return {
        terminated: {
          exitCode: status.exitCode ?? 0,
          reason: status.reason ?? 'Unknown',
          ...(status.message !== undefined ? { message: status.message } : {}),
          ...(status.startedAt !== undefined ? { startedAt: status.startedAt } : {}),
          ...(status.finishedAt !== undefined ? { finishedAt: status.finishedAt } : {}),
        },
      };
    case 'created':
      return { waiting: { reason: 'ContainerCreating' } };
  }
}

export interface KubeRestartView {
  state: KubeContainerState;
  lastState: KubeContainerState | Record<string, never>;
  restartCount: number;
}

/** `previous` is the container of the attempt before `current`, if the runtime still has it. */
export function kubeRestartView(current: ContainerStatus, previous?: ContainerStatus): KubeRestartView {
  return {
    state: kubeContainerState(current),
    lastState: previous ? kubeContainerState(previous) : {},
    restartCount: current.attempt,
  };
}
