import { describe, expect, it } from '@jest/globals';
import { kubeContainerState, kubeRestartView } from './container-state.js';
import type { ContainerStatus } from './runtime.js';

const status = (s: Partial<ContainerStatus>): ContainerStatus => ({
  id: 'c', podId: 'p', name: 'web', attempt: 0, labels: {}, state: 'created', createdAt: 'C', logPath: '/l', ...s,
});

describe('kubeContainerState', () => {
  it('maps created, running and exited', () => {
    expect(kubeContainerState(status({}))).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(kubeContainerState(status({ state: 'running', startedAt: 'S' }))).toEqual({ running: { startedAt: 'S' } });
    expect(kubeContainerState(status({ state: 'exited', exitCode: 137, reason: 'OOMKilled', startedAt: 'S', finishedAt: 'F' })))
      .toEqual({ terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: 'S', finishedAt: 'F' } });
  });
});

describe('kubeRestartView', () => {
  it('counts restarts by attempt and shows the previous attempt as lastState', () => {
    const previous = status({ attempt: 2, state: 'exited', exitCode: 1, reason: 'Error', message: 'm', finishedAt: 'F' });
    expect(kubeRestartView(status({ attempt: 3, state: 'running', startedAt: 'S' }), previous)).toEqual({
      state: { running: { startedAt: 'S' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'm', finishedAt: 'F' } },
      restartCount: 3,
    });
    expect(kubeRestartView(status({})).lastState).toEqual({});
  });
});
