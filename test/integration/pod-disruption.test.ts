import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApiError } from '../../api/errors.js';
import type { ReplicaSet } from '../../api/types/apps.js';
import type { Node, Pod } from '../../api/types/core.js';
import type { PodDisruptionBudget } from '../../api/types/policy.js';
import { HollowNodes } from '../../agent/sim/hollow-nodes.js';
import { DisruptionController } from '../../control/controllers/disruption/disruption-controller.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor, within } from '../harness/wait.js';

const run = promisify(execFile);
const PREFIX = `pdb${process.pid}`;
const NS = `${PREFIX}-ns`;

let cluster: TestCluster;
let controller: DisruptionController;
let fleet: HollowNodes;
const [node1, node2] = [1, 2].map((i) => `hollow-${PREFIX}-0000${i}`) as [string, string];

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  controller = new DisruptionController(cluster.newClient());
  await controller.start();
  fleet = new HollowNodes(cluster.newClient(), {
    nodes: 2, namePrefix: PREFIX, zones: 0, capacity: { cpu: '4', memory: '16Gi', pods: '110' }, taints: [], taintFraction: 0,
    startDelayMs: 0, leaseIntervalMs: 1000, agentVersion: 'v-test',
  });
  await within('registering hollow nodes', fleet.start(), 20_000);
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  await controller?.stop();
  await cluster?.stop();
});

const pods = () => cluster.client.resource<Pod>('pods');
const pdbs = () => cluster.client.resource<PodDisruptionBudget>('poddisruptionbudgets');
const ready = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function runningPod(name: string, node: string, labels: Record<string, string>, extra: Partial<Pod> = {}): Promise<void> {
  await pods().create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels, ...extra.metadata }, spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }], ...extra.spec } });
  await waitFor(`${name} Ready`, async () => ready(await pods().get(name, NS)));
}

function evict(name: string): Promise<unknown> {
  return pods().createSubresource(name, NS, 'eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: NS } });
}

async function evictionError(name: string): Promise<ApiError> {
  const err = await evict(name).then(() => undefined, (e: unknown) => e);
  if (!(err instanceof ApiError)) throw new Error(`eviction of ${name} was not refused: ${String(err)}`);
  return err;
}

const terminating = async (name: string): Promise<boolean> => {
  try {
    return !!(await pods().get(name, NS)).metadata.deletionTimestamp;
  } catch (err) {
    return err instanceof ApiError && err.code === 404;
  }
};

describe('PodDisruptionBudget and eviction', () => {
  it('keeps the budget status from the pods it selects', async () => {
    for (const n of ['web-1', 'web-2', 'web-3']) await runningPod(`${PREFIX}-${n}`, node1, { app: 'web' });
    await pdbs().create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: NS }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
    const status = await waitFor('the budget computed', async () => {
      const s = (await pdbs().get('web', NS)).status;
      return s?.observedGeneration === 1 && s.currentHealthy === 3 ? s : undefined;
    });
    expect(status).toMatchObject({ expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1, conditions: [expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' })] });
  });

  it('evicts a pod the budget allows, then refuses the next with 429', async () => {
    await evict(`${PREFIX}-web-1`);
    await waitFor('the evicted pod deleted', () => terminating(`${PREFIX}-web-1`));
    const refused = await evictionError(`${PREFIX}-web-2`);
    expect(refused.code).toBe(429);
    expect(refused.reason).toBe('TooManyRequests');
    expect(refused.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(refused.causes[0]).toMatchObject({ reason: 'DisruptionBudget', message: expect.stringMatching(/needs 2 healthy pods and has 2 currently/) });
    expect(await terminating(`${PREFIX}-web-2`)).toBe(false);
    await waitFor('the budget settled at 2 healthy, none allowed', async () => {
      const s = (await pdbs().get('web', NS)).status;
      return s?.currentHealthy === 2 && s.disruptionsAllowed === 0;
    });
  });

  it('kubectl get pdb shows the budget', async () => {
    const { stdout } = await run('kubectl', ['--kubeconfig', cluster.kubeconfig, 'get', 'pdb', '-n', NS], { timeout: 30_000 });
    expect(stdout).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/m);
    expect(stdout).toMatch(/^web\s+2\s+N\/A\s+0\s+\S+$/m);
  });

  it('evicts pods no budget covers; refuses a pod two budgets cover', async () => {
    await runningPod(`${PREFIX}-free`, node1, { app: 'free' });
    await evict(`${PREFIX}-free`);
    await waitFor('the free pod deleted', () => terminating(`${PREFIX}-free`));
    await pdbs().create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'all', namespace: NS }, spec: { maxUnavailable: '100%', selector: {} } });
    expect((await evictionError(`${PREFIX}-web-2`)).code).toBe(500);
    await pdbs().delete('all', NS);
  });

  it('kubectl drain cordons a node and evicts its replicated and emptyDir pods', async () => {
    const rs = await cluster.client.resource<ReplicaSet>('replicasets').create({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api', namespace: NS },
      spec: { replicas: 2, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const owned = { metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api', uid: rs.metadata.uid!, controller: true }] } };
    await runningPod(`${PREFIX}-api-1`, node2, { app: 'api' }, owned);
    await runningPod(`${PREFIX}-api-2`, node2, { app: 'api' }, {
      ...owned, spec: { containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }], volumes: [{ name: 'scratch', emptyDir: {} }] },
    });
    const { stdout, stderr } = await run('kubectl', ['--kubeconfig', cluster.kubeconfig, 'drain', node2, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=40s'], { timeout: 60_000 });
    expect(stdout + stderr).toMatch(new RegExp(`node/${node2} (cordoned|drained)`));
    expect(stdout).toContain(`pod/${PREFIX}-api-1 evicted`);
    expect((await cluster.client.resource<Node>('nodes').get(node2)).spec?.unschedulable).toBe(true);
    expect((await pods().list({ namespace: NS, fieldSelector: `spec.nodeName=${node2}` })).items).toEqual([]);
  }, 70_000);

  it('kubectl drain retries, then gives up on pods whose budget allows no disruption', async () => {
    const failed = await run('kubectl', ['--kubeconfig', cluster.kubeconfig, 'drain', node1, '--force', '--timeout=7s'], { timeout: 30_000 })
      .then(() => undefined, (err: { stdout: string; stderr: string }) => err);
    expect(failed?.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(failed?.stderr).toMatch(/will retry after 5s/);
    expect(await terminating(`${PREFIX}-web-2`)).toBe(false);
    expect(await terminating(`${PREFIX}-web-3`)).toBe(false);
  }, 40_000);
});
