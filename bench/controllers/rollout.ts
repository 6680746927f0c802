/**
 * Scenario 1: a Deployment of `replicas` pods (RollingUpdate, default 25% surge / 25% unavailable) on the
 * hollow fleet: time until all are available, then time for a template change to roll through, as
 * `kubectl rollout status` judges it (every replica updated and available, the old ReplicaSet at 0).
 */
import { performance } from 'node:perf_hooks';
import type { Deployment, ReplicaSet } from '../../api/types/apps.js';
import type { Pod } from '../../api/types/core.js';
import type { ApiClient } from '../../control/client/client.js';
import type { BenchCluster } from '../lib/bench-cluster.js';
import { cpuShare, deployment, NS, pollUntil, progress, seconds } from './common.js';

const NAME = 'rolling';

export interface RolloutResult { initialMs: number; rolloutMs: number; cpuInitial: string; cpuRollout: string; initialPhases: string }

function statusLine(d: Deployment | undefined): string {
  const s = d?.status ?? {};
  return `replicas ${s.replicas ?? 0}, updated ${s.updatedReplicas ?? 0}, ready ${s.readyReplicas ?? 0}, available ${s.availableReplicas ?? 0}`;
}

/** Polls the Deployment until its status (for the current generation) shows every replica updated and available. */
async function waitComplete(client: ApiClient, replicas: number, timeoutMs: number, label: string): Promise<void> {
  const deployments = client.resource<Deployment>('deployments');
  const replicaSets = client.resource<ReplicaSet>('replicasets');
  let last: Deployment | undefined;
  await pollUntil(`${label} of ${replicas}`, async () => {
    last = await deployments.get(NAME, NS);
    const s = last.status ?? {};
    const done = (s.observedGeneration ?? 0) >= (last.metadata.generation ?? 0)
      && s.replicas === replicas && s.updatedReplicas === replicas && s.availableReplicas === replicas;
    if (!done) return undefined;
    // Status counts pods; the old ReplicaSets must also be scaled to 0, as rollout status requires.
    const sets = (await replicaSets.list({ namespace: NS, labelSelector: `app=${NAME}` })).items;
    return sets.filter((rs) => (rs.spec.replicas ?? 0) > 0).length === 1 ? true : undefined;
  }, { everyMs: 250, timeoutMs, report: (ms) => progress(`${label} ${seconds(ms)}: ${statusLine(last)}`), describe: () => statusLine(last) });
}

/**
 * When the last of the initial pods was created, scheduled and Ready, in seconds after the Deployment was
 * created (API timestamps have 1 s resolution): shows which stage the initial time went to.
 */
async function initialPhases(client: ApiClient, created: string): Promise<string> {
  const pods = (await client.resource<Pod>('pods').list({ namespace: NS, labelSelector: `app=${NAME}` })).items;
  const t0 = Date.parse(created);
  const last = (times: (string | null | undefined)[]): string => `+${((Math.max(...times.map((t) => (t ? Date.parse(t) : NaN))) - t0) / 1000).toFixed(0)} s`;
  const condition = (p: Pod, type: string): string | null | undefined => p.status?.conditions?.find((c) => c.type === type && c.status === 'True')?.lastTransitionTime;
  return `last pod created ${last(pods.map((p) => p.metadata.creationTimestamp))}, scheduled ${last(pods.map((p) => condition(p, 'PodScheduled')))}, ` +
    `Ready ${last(pods.map((p) => condition(p, 'Ready')))}`;
}

export async function rollThousand(cluster: BenchCluster, client: ApiClient, replicas: number, timeoutMs: number): Promise<RolloutResult> {
  const deployments = client.resource<Deployment>('deployments');
  let cpuBefore = cluster.cpu();
  let start = performance.now();
  const created = await deployments.create(deployment(NAME, replicas));
  await waitComplete(client, replicas, timeoutMs, 'initial');
  const initialMs = performance.now() - start;
  const phases = await initialPhases(client, created.metadata.creationTimestamp!);
  const cpuInitial = cpuShare(cluster, cpuBefore, initialMs);
  progress(`initial ${replicas} available in ${seconds(initialMs)}: ${phases}`);

  cpuBefore = cluster.cpu();
  start = performance.now();
  await deployments.patch(NAME, { spec: { template: { metadata: { annotations: { 'bench.cairn.dev/revision': '2' } } } } }, 'application/merge-patch+json', NS);
  await waitComplete(client, replicas, timeoutMs, 'rollout');
  const rolloutMs = performance.now() - start;
  progress(`rollout of ${replicas} done in ${seconds(rolloutMs)}`);
  return { initialMs, rolloutMs, cpuInitial, cpuRollout: cpuShare(cluster, cpuBefore, rolloutMs), initialPhases: phases };
}
