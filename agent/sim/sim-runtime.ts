/** The simulated container runtime: every container starts at once, stays running and is ready. */
import { createHash } from 'node:crypto';
import type { Pod } from '../../api/types/core.js';
import type { PodRuntimeView, RunningContainer } from '../pods/pod-status.js';

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

/** What a real runtime would report for `pod` started at `now`: stable ids derived from the pod's uid and the images. */
export function simRunningView(pod: Pod, hostIP: string, podIP: string, now: Date): PodRuntimeView<RunningContainer> {
  const uid = pod.metadata.uid ?? pod.metadata.name ?? '';
  const ids = (name: string, image: string | undefined): { containerID: string; imageID: string } => ({
    containerID: `sim://${digest(`${uid}/${name}`)}`,
    imageID: `sim://${image ?? ''}@sha256:${digest(image ?? '')}`,
  });
  return {
    hostIP,
    podIP,
    containers: pod.spec.containers.map((c) => ({ name: c.name, ...ids(c.name, c.image), startedAt: now, ready: true })),
    initContainers: (pod.spec.initContainers ?? []).map((c) => ({ name: c.name, ...ids(c.name, c.image), startedAt: now, finishedAt: now, exitCode: 0 })),
  };
}
