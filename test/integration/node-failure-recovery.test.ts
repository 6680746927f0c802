import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ReplicaSet } from '../../api/types/apps.js';
import type { Pod } from '../../api/types/core.js';
import { HollowNodes, type HollowNodesConfig } from '../../agent/sim/hollow-nodes.js';
import { NodeLifecycleController } from '../../control/controllers/nodelifecycle/node-lifecycle-controller.js';
import { ReplicaSetController } from '../../control/controllers/replicaset/replicaset-controller.js';
import { parseSchedulerConfig } from '../../scheduler/config/scheduler-config.js';
import { pluginRegistry } from '../../scheduler/plugins/registry.js';
import { Scheduler } from '../../scheduler/scheduler.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor, within } from '../harness/wait.js';

/** Cairn's promise with its defaults (1 s leases, 4 s grace, 30 s default toleration): a dead node's pods run elsewhere within a minute. */
const PREFIX = `nf${process.pid}`;
const NS = `${PREFIX}-ns`;

let cluster: TestCluster;
const stops: (() => Promise<void>)[] = [];

function fleet(name: string, nodes: number): HollowNodes {
  const config: HollowNodesConfig = {
    nodes, namePrefix: `${PREFIX}-${name}`, zones: 0, capacity: { cpu: '4', memory: '16Gi', pods: '110' }, taints: [], taintFraction: 0,
    startDelayMs: 0, leaseIntervalMs: 1000, agentVersion: 'v-test',
  };
  const f = new HollowNodes(cluster.newClient(), config);
  stops.push(() => f.stop());
  return f;
}

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const scheduler = new Scheduler({ client: cluster.newClient(), config: parseSchedulerConfig({ podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 2 }, new Set(pluginRegistry.keys())) });
  const replicaSets = new ReplicaSetController(cluster.newClient());
  const lifecycle = new NodeLifecycleController(cluster.newClient());
  for (const c of [scheduler, replicaSets, lifecycle]) {
    await c.start();
    stops.push(() => c.stop());
  }
}, 60_000);

afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await cluster?.stop();
});

const runningReady = (p: Pod): boolean =>
  !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && (p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);

describe('node failure', () => {
  it('replaces the pods of a node that stops heartbeating on other nodes within 60 s', async () => {
    const doomed = fleet('doomed', 1);
    await within('registering the doomed node', doomed.start(), 20_000);
    await cluster.client.resource<ReplicaSet>('replicasets').create({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: NS },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const pods = () => cluster.client.resource<Pod>('pods').list({ namespace: NS });
    await waitFor('2 pods running on the doomed node', async () => (await pods()).items.filter(runningReady).length === 2, 20_000);
    const survivors = fleet('survivor', 2);
    await within('registering the surviving nodes', survivors.start(), 20_000);

    await doomed.stop();
    const failedAt = Date.now();
    const replaced = await waitFor('2 pods running on the surviving nodes', async () => {
      const ok = (await pods()).items.filter((p) => runningReady(p) && survivors.nodeNames.includes(p.spec.nodeName ?? ''));
      return ok.length === 2 ? ok : undefined;
    }, 60_000);
    expect(replaced.length).toBe(2);
    expect(Date.now() - failedAt).toBeLessThan(60_000);
  }, 120_000);
});
