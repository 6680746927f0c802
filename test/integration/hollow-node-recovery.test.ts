/**
 * A hollow node that the node lifecycle controller declared dead (its lease looked silent, e.g. while the fleet's
 * process stalled) but whose agent lives on must come back Ready and untainted without a restart, as a kubelet
 * does on its next status update. The controller's verdict is written here as it writes it (conditions Unknown,
 * unreachable taints), while the fleet keeps running untouched; the real controller then watches the node.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Node, Taint } from '../../api/types/core.js';
import { HollowNodes } from '../../agent/sim/hollow-nodes.js';
import { NodeLifecycleController } from '../../control/controllers/nodelifecycle/node-lifecycle-controller.js';
import { TAINT_NOT_READY, TAINT_UNREACHABLE, unknownConditions, withLifecycleTaint } from '../../control/controllers/nodelifecycle/node-health.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor, within } from '../harness/wait.js';

const PREFIX = `hr${process.pid}`;
const NODE = `hollow-${PREFIX}-00001`;

let cluster: TestCluster;
let fleet: HollowNodes | undefined;
let controller: NodeLifecycleController | undefined;

beforeAll(async () => {
  cluster = await startTestCluster();
  fleet = new HollowNodes(cluster.newClient(), {
    nodes: 1, namePrefix: PREFIX, zones: 1, capacity: { cpu: '4', memory: '16Gi', pods: '110' }, taints: [], taintFraction: 0,
    startDelayMs: 0, leaseIntervalMs: 400, agentVersion: 'v-test',
  });
  await within('registering the hollow node', fleet.start(), 20_000);
  controller = new NodeLifecycleController(cluster.newClient(), { evictionRate: 10 });
  await controller.start();
}, 60_000);

afterAll(async () => {
  await fleet?.stop().catch(() => {});
  await controller?.stop();
  await cluster?.stop();
});

const lifecycleTaints = (n: Node): Taint[] => (n.spec?.taints ?? []).filter((t) => t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY);
const ready = (n: Node): string | undefined => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe('hollow node recovery', () => {
  it('reports Ready again after the controller marked it Unknown, and so loses the unreachable taints', async () => {
    const nodes = cluster.client.resource<Node>('nodes');
    await waitFor('the node Ready', async () => ready(await nodes.get(NODE)) === 'True');
    const now = new Date().toISOString();
    const n = await nodes.get(NODE);
    const tainted = await nodes.update({ ...n, spec: { ...n.spec, taints: withLifecycleTaint(withLifecycleTaint(n.spec?.taints, 'NoSchedule', TAINT_UNREACHABLE, now), 'NoExecute', TAINT_UNREACHABLE, now) } });
    await nodes.updateStatus({ ...tainted, status: { ...tainted.status, conditions: unknownConditions(tainted.status?.conditions, now) } });
    const back = await waitFor('the node Ready again without lifecycle taints', async () => {
      const n = await nodes.get(NODE);
      return ready(n) === 'True' && lifecycleTaints(n).length === 0 ? n : undefined;
    }, 8000);
    expect(back.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
  }, 40_000);
});
