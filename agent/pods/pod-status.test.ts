import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { runningPodStatus, terminatedPodStatus, type RunningContainer } from './pod-status.js';

const scheduledAt = '2024-05-01T09:00:00.000Z';
const started = new Date('2024-05-01T10:00:00.000Z');
const now = new Date('2024-05-01T10:00:01.000Z');

function pod(extra: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }], ...extra },
    status: {
      phase: 'Pending', qosClass: 'BestEffort',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: scheduledAt }, { type: 'example.com/gate', status: 'True' }],
    },
  };
}

const running = (name: string, ready = true): RunningContainer => ({ name, containerID: `sim://${name}`, imageID: `img-${name}`, startedAt: started, ready });
const view = { hostIP: '10.0.0.1', podIP: '100.64.0.2', containers: [running('app'), running('log')] };

describe('runningPodStatus', () => {
  const status = runningPodStatus(pod(), view, now);

  it('is Running with addresses, start time and the fields it had', () => {
    expect(status).toMatchObject({ phase: 'Running', hostIP: '10.0.0.1', podIP: '100.64.0.2', podIPs: [{ ip: '100.64.0.2' }], startTime: now.toISOString(), qosClass: 'BestEffort' });
  });

  it('reports each container running and ready, with ids and image', () => {
    expect(status.containerStatuses).toEqual([
      { name: 'app', image: 'nginx:1.25', imageID: 'img-app', containerID: 'sim://app', ready: true, restartCount: 0, started: true, state: { running: { startedAt: started.toISOString() } } },
      { name: 'log', image: 'busybox', imageID: 'img-log', containerID: 'sim://log', ready: true, restartCount: 0, started: true, state: { running: { startedAt: started.toISOString() } } },
    ]);
  });

  it('sets the four conditions True, keeping the scheduler\'s transition time and foreign conditions', () => {
    expect(status.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True'], ['example.com/gate', 'True'],
    ]);
    expect(status.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime).toBe(scheduledAt);
    expect(status.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(now.toISOString());
  });

  it('keeps the first start time', () => {
    const again = runningPodStatus({ ...pod(), status }, view, new Date('2024-05-01T11:00:00.000Z'));
    expect(again.startTime).toBe(now.toISOString());
    expect(again.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(now.toISOString());
  });

  it('is not Ready while a container is unready, naming it', () => {
    const s = runningPodStatus(pod(), { ...view, containers: [running('app'), running('log', false)] }, now);
    expect(s.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [log]' });
  });

  it('is Pending while a container has not started', () => {
    const s = runningPodStatus(pod(), { ...view, containers: [running('app')] }, now);
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses?.[1]).toMatchObject({ name: 'log', ready: false, state: { waiting: { reason: 'ContainerCreating' } } });
  });

  it('waits for readiness gates', () => {
    const gated = pod({ readinessGates: [{ conditionType: 'example.com/lb' }] });
    expect(runningPodStatus(gated, view, now).conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady' });
    const open = pod({ readinessGates: [{ conditionType: 'example.com/gate' }] });
    expect(runningPodStatus(open, view, now).conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('reports finished init containers as Completed', () => {
    const p = pod({ initContainers: [{ name: 'setup', image: 'busybox' }] });
    const s = runningPodStatus(p, { ...view, initContainers: [{ name: 'setup', containerID: 'sim://setup', imageID: 'i', startedAt: started, finishedAt: started, exitCode: 0 }] }, now);
    expect(s.initContainerStatuses?.[0]?.state).toEqual({ terminated: { exitCode: 0, reason: 'Completed', startedAt: started.toISOString(), finishedAt: started.toISOString(), containerID: 'sim://setup' } });
    expect(s.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(runningPodStatus(p, view, now).conditions?.find((c) => c.type === 'Initialized')?.status).toBe('False');
  });
});

describe('terminatedPodStatus', () => {
  const exited = (name: string, exitCode: number) => ({ name, containerID: `sim://${name}`, imageID: 'i', startedAt: started, finishedAt: now, exitCode });

  it('is Succeeded when every container exited 0, Failed otherwise; never Ready', () => {
    const ok = terminatedPodStatus(pod(), { ...view, containers: [exited('app', 0), exited('log', 0)] }, now);
    expect(ok.phase).toBe('Succeeded');
    expect(ok.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    const failed = terminatedPodStatus(pod(), { ...view, containers: [exited('app', 0), exited('log', 2)] }, now);
    expect(failed.phase).toBe('Failed');
    expect(failed.containerStatuses?.[1]?.state?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
  });

  it('takes a container the runtime lost as killed', () => {
    const s = terminatedPodStatus(pod(), { ...view, containers: [exited('app', 0)] }, now);
    expect(s.phase).toBe('Failed');
    expect(s.containerStatuses?.[1]?.state?.terminated?.exitCode).toBe(137);
  });
});
