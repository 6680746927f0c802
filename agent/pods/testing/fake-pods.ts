/** Pods and runtime containers for the pure planner and status tests: fakes, no runtime behind them. */
import type { Container, Pod, PodSpec } from '../../../api/types/core.js';
import type { ContainerStatus } from '../../runtime/runtime.js';
import { containerId, Labels, type ContainerKind } from '../container-config.js';

export function fakePod(spec: Partial<PodSpec> & { containers?: Container[] } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: { containers: [{ name: 'main', image: 'img' }], ...spec },
  };
}

export function fakeContainer(name: string, attempt: number, state: ContainerStatus['state'], extra: Partial<ContainerStatus> & { kind?: ContainerKind } = {}): ContainerStatus {
  const kind = extra.kind ?? 'app';
  return {
    id: containerId('u', kind, name, attempt), podId: 'u', name, attempt, state,
    labels: { [Labels.kind]: kind, [Labels.imageId]: 'sha256:i' }, createdAt: '2026-01-01T00:00:00.000Z',
    ...(state !== 'created' ? { startedAt: '2026-01-01T00:00:01.000Z' } : {}),
    logPath: `/logs/${name}/${attempt}.log`, ...extra,
  };
}

export const exited = (name: string, attempt: number, exitCode: number, kind: ContainerKind = 'app'): ContainerStatus =>
  fakeContainer(name, attempt, 'exited', { kind, exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: '2026-01-01T00:00:02.000Z' });
