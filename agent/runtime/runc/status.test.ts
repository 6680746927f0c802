import { describe, expect, it } from '@jest/globals';
import type { ContainerMeta, ExitRecord } from './layout.js';
import { composeStatus, type ObservedContainer, type RuncState } from './status.js';

const meta: ContainerMeta = {
  config: { id: 'c1', podId: 'p1', name: 'web', attempt: 2, rootfs: '/r', args: ['x'], labels: { k: 'v' } },
  createdAt: '2024-01-01T00:00:00.000Z',
  logPath: '/logs/p1/web/2.log',
  cgroupsPath: '/cairn/c1',
};
const launched = { launchedAt: '2024-01-01T00:00:01.000Z' };
const monitor = { ...launched, startedAt: 'S' };
const exit = (record: Partial<ExitRecord>): ExitRecord => ({ exitCode: 0, oomKilled: false, startedAt: 'S', finishedAt: 'F', ...record });
const runc = (status: RuncState['status']): RuncState => ({ id: 'c1', pid: status === 'stopped' ? 0 : 99, status, created: 'R' });
const observe = (o: Partial<ObservedContainer>) => composeStatus({ meta, monitorAlive: false, ...o });

describe('composeStatus', () => {
  it('is created until started, carrying identity and log path', () => {
    expect(observe({})).toEqual({
      id: 'c1', podId: 'p1', name: 'web', attempt: 2, labels: { k: 'v' }, state: 'created', createdAt: meta.createdAt, logPath: meta.logPath,
    });
    expect(observe({ monitor: launched, monitorAlive: true }).state).toBe('created'); // conmon launched, runc start not done
  });

  it('is running from the recorded start while conmon lives', () => {
    expect(observe({ monitor, monitorAlive: true, pid: 99 })).toMatchObject({ state: 'running', pid: 99, startedAt: 'S' });
  });

  it('asks runc when the agent did not get to record the start', () => {
    expect(observe({ monitor: launched, monitorAlive: true, runc: runc('running') })).toMatchObject({ state: 'running', pid: 99, startedAt: 'R' });
    expect(observe({ monitor: launched, monitorAlive: true, runc: runc('created') }).state).toBe('created');
  });

  it.each([
    [exit({ exitCode: 0 }), 0, 'Completed'],
    [exit({ exitCode: 2 }), 2, 'Error'],
    [exit({ exitCode: 137, oomKilled: true }), 137, 'OOMKilled'],
    [exit({ exitCode: 0, oomKilled: true }), 0, 'OOMKilled'],
    [exit({ exitCode: 1, startError: 'exec: "x": not found' }), 128, 'StartError'],
  ])('turns an exit record into exit code and reason (%#)', (record, exitCode, reason) => {
    expect(observe({ monitor, exit: record })).toMatchObject({ state: 'exited', exitCode, reason, startedAt: 'S', finishedAt: 'F' });
  });

  it('reports the start error as the message', () => {
    expect(observe({ monitor, exit: exit({ startError: 'boom' }) }).message).toBe('boom');
  });

  it('reports ContainerStatusUnknown for an exit lost with its conmon', () => {
    expect(observe({ monitor, exit: exit({ exitCode: 137, lost: 'gone' }) })).toMatchObject({
      state: 'exited', exitCode: 137, reason: 'ContainerStatusUnknown', message: 'gone', startedAt: 'S', finishedAt: 'F',
    });
  });
});
