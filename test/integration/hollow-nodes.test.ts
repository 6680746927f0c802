import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Lease } from '../../api/types/apps.js';
import type { Node, Pod } from '../../api/types/core.js';
import { HollowNodes, type HollowNodesConfig } from '../../agent/sim/hollow-nodes.js';
import { LABEL_HOLLOW_FLEET } from '../../agent/sim/fleet.js';
import { freePort } from '../harness/ports.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor, within } from '../harness/wait.js';

const run = promisify(execFile);
const CAIRN = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url));
const PREFIX = `it${process.pid}`;
const TAINT = { key: 'dedicated', value: 'sim', effect: 'NoSchedule' as const };
const config: HollowNodesConfig = {
  nodes: 20, namePrefix: PREFIX, zones: 3, region: 'lab',
  capacity: { cpu: '4', memory: '16Gi', 'ephemeral-storage': '100Gi', pods: '110' },
  taints: [TAINT], taintFraction: 0.25,
  startDelayMs: 0, leaseIntervalMs: 400, agentVersion: 'v-test',
};

let cluster: TestCluster;
const fleets: HollowNodes[] = [];
beforeAll(async () => { cluster = await startTestCluster(); });
afterAll(async () => {
  for (const f of fleets) await f.stop().catch(() => {});
  await cluster?.stop();
});

async function startFleet(): Promise<HollowNodes> {
  const fleet = new HollowNodes(cluster.newClient(), config);
  fleets.push(fleet);
  await within('registering 20 hollow nodes', fleet.start(), 30_000);
  return fleet;
}

const fleetNodes = async (): Promise<Node[]> =>
  (await cluster.client.resource<Node>('nodes').list({ labelSelector: `${LABEL_HOLLOW_FLEET}=${PREFIX}` })).items;
const renewTime = async (node: string): Promise<string | undefined> =>
  (await cluster.client.resource<Lease>('leases').get(node, 'kube-node-lease')).spec?.renewTime;
const gone = async (get: () => Promise<unknown>): Promise<boolean> => {
  try { await get(); return false; } catch (err) { return (err as { code?: number }).code === 404; }
};

describe('hollow nodes', () => {
  let fleet: HollowNodes;
  const node2 = `hollow-${PREFIX}-00002`;

  it('registers every node with zone, region, os/arch labels, capacity, taints on a share, and Ready', async () => {
    fleet = await startFleet();
    const nodes = await fleetNodes();
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(fleet.nodeNames.sort());
    const perZone = new Map<string, number>();
    for (const n of nodes) {
      const labels = n.metadata.labels!;
      expect(labels).toMatchObject({ 'kubernetes.io/hostname': n.metadata.name, 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/region': 'lab' });
      expect(labels['kubernetes.io/arch']).toBeTruthy();
      perZone.set(labels['topology.kubernetes.io/zone']!, (perZone.get(labels['topology.kubernetes.io/zone']!) ?? 0) + 1);
      expect(n.status?.capacity).toEqual(config.capacity);
      expect(n.status?.allocatable).toEqual(config.capacity);
      expect(n.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
      expect(n.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v-test', containerRuntimeVersion: 'sim://v-test' });
    }
    expect(Object.fromEntries(perZone)).toEqual({ 'zone-0': 7, 'zone-1': 7, 'zone-2': 6 });
    expect(nodes.filter((n) => n.spec?.taints?.some((t) => t.key === TAINT.key && t.effect === TAINT.effect)).length).toBe(5);
  });

  it('keeps a lease per node in kube-node-lease, renewed every interval', async () => {
    const leases = await waitFor('a lease for every node', async () => {
      const mine = (await cluster.client.resource<Lease>('leases').list({ namespace: 'kube-node-lease' })).items
        .filter((l) => l.metadata.name!.startsWith(`hollow-${PREFIX}-`));
      return mine.length === 20 ? mine : undefined;
    });
    for (const l of leases) expect(l.spec).toMatchObject({ holderIdentity: l.metadata.name, leaseDurationSeconds: 2 });
    const first = await renewTime(node2);
    expect(first).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await waitFor('the lease renewed', async () => (await renewTime(node2)) !== first, 5000);
  });

  it('runs a pod bound to a hollow node: Running and Ready with addresses, then confirms its deletion', async () => {
    const pods = cluster.client.resource<Pod>('pods');
    const name = `${PREFIX}-web`;
    await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } });
    await pods.createSubresource(name, 'default', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node2 } });
    const running = await waitFor('the pod Running and Ready', async () => {
      const p = await pods.get(name, 'default');
      return p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
    });
    expect(running.status).toMatchObject({ hostIP: '10.0.0.2', podIP: expect.stringMatching(/^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./), startTime: expect.any(String) });
    expect(running.status?.containerStatuses?.[0]).toMatchObject({ name: 'web', ready: true, restartCount: 0, image: 'nginx:1.25', state: { running: {} } });
    expect(running.status?.containerStatuses?.[0]?.containerID).toMatch(/^sim:\/\//);
    // The fleet counts the pod once its status write is answered, which may come just after our read saw it.
    await waitFor('the fleet counting the pod as running', () => fleet.stats().podsRunning === 1);

    await pods.delete(name, 'default');
    await waitFor('the pod gone once its node confirmed', () => gone(() => pods.get(name, 'default')));
    await waitFor('the fleet no longer counting it', () => fleet.stats().podsRunning === 0);
  });

  it('stops cleanly: leases are no longer renewed', async () => {
    await within('stopping the fleet', fleet.stop(), 5000);
    const last = await renewTime(node2);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await renewTime(node2)).toBe(last);
  });

  it('registering again keeps what an admin changed: cordon, taints, extra labels', async () => {
    const nodes = cluster.client.resource<Node>('nodes');
    const before = await nodes.patch(node2, { metadata: { labels: { team: 'infra', 'topology.kubernetes.io/zone': 'moved' } }, spec: { unschedulable: true, taints: [] } });
    const fleetAgain = await startFleet();
    const after = await nodes.get(node2);
    expect(after.spec?.unschedulable).toBe(true);
    expect(after.spec?.taints ?? []).toEqual([]);
    expect(after.metadata.labels).toMatchObject({ team: 'infra', 'topology.kubernetes.io/zone': 'zone-1' });
    const readySince = (n: Node): string | undefined => n.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    expect(readySince(after)).toBe(readySince(before));
    await fleetAgain.stop();
  });
});

describe('cairn agent', () => {
  it('without --sim refuses --nodes: a real agent runs one node', async () => {
    const failed = await run('node', [CAIRN, '--kubeconfig', cluster.kubeconfig, 'agent', '--nodes', '2']).then(() => undefined, (err: { code: number; stderr: string }) => err);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/--nodes is for simulated nodes \(--sim\)/);
  });

  it('--sim registers the nodes with progress, serves metrics, and stops on SIGINT', async () => {
    const port = await freePort();
    const prefix = `cli${process.pid}`;
    const child = spawn('node', [CAIRN, '--kubeconfig', cluster.kubeconfig, 'agent', '--sim', '--nodes', '10', '--zones', '2', '--name-prefix', prefix,
      '--taint', 'sim=yes:NoSchedule', '--taint-fraction', '0.5', '--metrics-port', String(port)]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor('registration reported', () => stderr.includes('10 hollow nodes'), 20_000);
      expect(stderr).toContain('registered 10/10 nodes');
      const nodes = (await cluster.client.resource<Node>('nodes').list({ labelSelector: `${LABEL_HOLLOW_FLEET}=${prefix}` })).items;
      expect(nodes.length).toBe(10);
      expect(nodes.filter((n) => n.spec?.taints?.length).length).toBe(5);
      const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(await metrics()).toMatch(/^cairn_hollow_nodes_registered 10$/m);
      await waitFor('lease renewals counted', async () => /^cairn_node_lease_renewals_total [1-9]/m.test(await metrics()));
      child.kill('SIGINT');
      expect(await within('the agent exiting', exited, 10_000)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
