import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import type { ContainerRuntime, ContainerStatus } from '../runtime/runtime.js';
import { PodSync, type PodSyncDeps } from './pod-sync.js';
import { fakeContainer, fakePod } from './testing/fake-pods.js';

const HOST_NETNS = '/proc/1/ns/net';

/** PodSync over recording fakes: only the runtime calls the stop paths make (no runc, no registry). */
function harness(containers: ContainerStatus[]) {
  const calls: string[] = [];
  const statuses: Pod['status'][] = [];
  const runtime: Partial<ContainerRuntime> = {
    runPodSandbox: async (podId, o) => ({ podId, netnsPath: o?.hostNetwork ? HOST_NETNS : `/run/netns/${podId}`, ip: '10.0.0.5' }),
    listPodSandboxes: async () => [], // a hostNetwork pod has no sandbox of its own
    listContainers: async () => containers,
    stopContainer: async (id, grace) => { calls.push(`stop ${id} ${grace}`); return containers[0]!; },
    removeContainer: async () => undefined,
    removePodSandbox: async () => undefined,
  };
  const deps = {
    hostIP: '192.168.0.2', resyncMs: 10_000, config: { get: async () => undefined }, allocatable: {},
    runtime: runtime as ContainerRuntime,
    pods: { delete: async () => undefined, updateStatus: async (p: Pod) => { statuses.push(p.status); return p; } },
    images: {}, rootfs: { remove: async () => undefined },
    probes: { remove: () => undefined, has: () => false, result: () => undefined, ensure: () => undefined },
    hooks: async (probe: unknown, target: { netnsPath: string }) => { calls.push(`hook ${JSON.stringify(probe)} in ${target.netnsPath}`); return { ok: true, message: '' }; },
  } as unknown as PodSyncDeps; // the fakes cover what the stop paths use
  return { sync: new PodSync(deps), calls, statuses };
}

const preStop = { exec: { command: ['drain'] } };
const httpPreStop = { httpGet: { path: '/stop', port: 8080 } };

describe('PodSync stopping containers', () => {
  it('runs preStop hooks of a hostNetwork pod from the host netns, then gives SIGTERM at least 2 s', async () => {
    const pod = fakePod({ hostNetwork: true, containers: [{ name: 'main', image: 'img', lifecycle: { preStop } }, { name: 'web', image: 'img', lifecycle: { preStop: httpPreStop } }] });
    pod.metadata.deletionGracePeriodSeconds = 1;
    const [main, web] = [fakeContainer('main', 0, 'running'), fakeContainer('web', 0, 'running')];
    const { sync, calls } = harness([main, web]);
    await sync.terminate(pod);
    expect(calls).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^hook .*"drain".* in ${HOST_NETNS}$`)),
      expect.stringMatching(new RegExp(`^hook .*"/stop".* in ${HOST_NETNS}$`)),
      `stop ${main.id} 2`, `stop ${web.id} 2`,
    ]));
  });

  it('runs preStop when activeDeadlineSeconds stops the pod', async () => {
    const pod = fakePod({ activeDeadlineSeconds: 1, terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image: 'img', lifecycle: { preStop } }] });
    pod.status = { phase: 'Running', startTime: '2026-01-01T00:00:00Z' };
    const main = fakeContainer('main', 0, 'running');
    const { sync, calls, statuses } = harness([main]);
    await sync.sync('default/p', pod);
    expect(calls[0]).toMatch(/^hook .*"drain"/);
    expect(calls[1]).toMatch(new RegExp(`^stop ${main.id} [2-5]$`));
    expect(statuses.at(-1)).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded' });
  });

  it.each(['Succeeded', 'Failed'] as const)('leaves a %s pod past its deadline as it is', async (phase) => {
    const pod = fakePod({ activeDeadlineSeconds: 1 });
    pod.status = { phase, startTime: '2026-01-01T00:00:00Z' };
    const { sync, calls, statuses } = harness([fakeContainer('main', 0, 'exited', { exitCode: phase === 'Succeeded' ? 0 : 1, finishedAt: '2026-01-01T00:00:02.000Z' })]);
    await sync.sync('default/p', { ...pod, spec: { ...pod.spec, restartPolicy: 'Never' } });
    expect(calls).toEqual([]);
    for (const s of statuses) expect(s).toMatchObject({ phase });
    for (const s of statuses) expect(s?.reason).toBeUndefined();
  });
});
