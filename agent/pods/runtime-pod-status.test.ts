import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import type { ContainerStatus } from '../runtime/runtime.js';
import { runtimePodStatus, type Waiting } from './runtime-pod-status.js';
import { exited, fakeContainer, fakePod } from './testing/fake-pods.js';

const now = new Date('2026-01-01T00:01:00.000Z');
function status(pod: Pod, observed: ContainerStatus[], opts: { waiting?: [string, Waiting][]; ready?: boolean; initFailed?: boolean } = {}) {
  return runtimePodStatus(pod, {
    hostIP: '10.0.0.1', observed, waiting: new Map(opts.waiting ?? []), initFailed: opts.initFailed ?? false,
    probes: () => ({ ready: opts.ready ?? true, started: true }),
  }, now);
}
const cond = (s: ReturnType<typeof status>, type: string) => s.conditions?.find((c) => c.type === type)?.status;

describe('runtimePodStatus', () => {
  it('Pending with ContainerCreating, or the image error, before the container exists', () => {
    expect(status(fakePod(), [])).toMatchObject({ phase: 'Pending', hostIP: '10.0.0.1', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] });
    const pulling = status(fakePod(), [], { waiting: [['app/main', { reason: 'ErrImagePull', message: 'no such image' }]] });
    expect(pulling.containerStatuses?.[0].state).toEqual({ waiting: { reason: 'ErrImagePull', message: 'no such image' } });
  });

  it('Running; Ready follows the readiness view', () => {
    const running = [fakeContainer('main', 0, 'running')];
    const ready = status(fakePod(), running);
    expect(ready).toMatchObject({ phase: 'Running', containerStatuses: [{ ready: true, started: true, restartCount: 0, containerID: 'runc://u-c-main-0', imageID: 'sha256:i' }] });
    expect([cond(ready, 'Ready'), cond(ready, 'ContainersReady'), cond(ready, 'Initialized'), cond(ready, 'PodScheduled')]).toEqual(['True', 'True', 'True', 'True']);
    expect(cond(status(fakePod(), running, { ready: false }), 'Ready')).toBe('False');
  });

  it('CrashLoopBackOff: waiting, the last exit as lastState, restarts counted; the pod stays Running', () => {
    const s = status(fakePod(), [exited('main', 2, 3), exited('main', 1, 3)], { waiting: [['app/main', { reason: 'CrashLoopBackOff', message: 'back-off' }]] });
    expect(s.phase).toBe('Running');
    expect(s.containerStatuses?.[0]).toMatchObject({ restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 3, reason: 'Error' } } });
  });

  it('Succeeded / Failed by exit codes when nothing restarts', () => {
    expect(status(fakePod({ restartPolicy: 'Never' }), [exited('main', 0, 0)]).phase).toBe('Succeeded');
    const failed = status(fakePod({ restartPolicy: 'Never' }), [exited('main', 0, 137)]);
    expect(failed.phase).toBe('Failed');
    expect(failed.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(status(fakePod({ restartPolicy: 'OnFailure' }), [exited('main', 0, 0)]).phase).toBe('Succeeded');
  });

  it('app containers wait PodInitializing until init containers complete; a failed init with Never fails the pod', () => {
    const pod = fakePod({ initContainers: [{ name: 'init', image: 'i' }] });
    const initializing = status(pod, [fakeContainer('init', 0, 'running', { kind: 'init' })]);
    expect(initializing).toMatchObject({ phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'PodInitializing' } } }] });
    expect(cond(initializing, 'Initialized')).toBe('False');
    expect(status(pod, [exited('init', 0, 1, 'init')], { initFailed: true }).phase).toBe('Failed');
  });

  it('a pod failure (activeDeadlineSeconds) makes it Failed with the reason, whatever its containers do', () => {
    const s = runtimePodStatus(fakePod(), {
      hostIP: '10.0.0.1', observed: [exited('main', 0, 137)], waiting: new Map(), initFailed: false,
      failure: { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' },
      probes: () => ({ ready: true, started: true }),
    }, now);
    expect(s).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    expect(cond(s, 'Ready')).toBe('False');
  });
});
