/** Builders for Deployments and ReplicaSets in unit tests (plain objects, no API). */
import type { Deployment, DeploymentStrategy, ReplicaSet } from '../../../../api/types/apps.js';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION } from '../constants.js';

export function deployment(replicas: number, rollingUpdate: { maxSurge?: number | string; maxUnavailable?: number | string } = { maxSurge: 0, maxUnavailable: 0 }, type: DeploymentStrategy['type'] = 'RollingUpdate'): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: 1 },
    spec: {
      replicas, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } },
      strategy: type === 'Recreate' ? { type } : { type, rollingUpdate },
      progressDeadlineSeconds: 600, revisionHistoryLimit: 10,
    },
    status: {},
  };
}

export interface RsOptions { available?: number; ready?: number; status?: number; created?: string; revision?: number; desired?: number; max?: number; image?: string }

export function replicaSet(name: string, replicas: number, o: RsOptions = {}): ReplicaSet {
  const annotations: Record<string, string> = {};
  if (o.revision !== undefined) annotations[REVISION_ANNOTATION] = String(o.revision);
  if (o.desired !== undefined) annotations[DESIRED_REPLICAS_ANNOTATION] = String(o.desired);
  if (o.max !== undefined) annotations[MAX_REPLICAS_ANNOTATION] = String(o.max);
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `${name}-uid`, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z', annotations, generation: 1 },
    spec: {
      replicas, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'c', image: o.image ?? `busybox:${name}` }] } },
    },
    status: { replicas: o.status ?? replicas, readyReplicas: o.ready ?? o.available ?? replicas, availableReplicas: o.available ?? replicas, observedGeneration: 1 },
  };
}
