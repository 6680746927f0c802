import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Event, Node } from '../../api/types/core.js';
import { NodeIpamController, REASON_CIDR_NOT_AVAILABLE, type NodeIpamOptions } from '../../control/controllers/nodeipam/node-ipam-controller.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

let cluster: TestCluster;
let controller: NodeIpamController | undefined;
beforeAll(async () => {
  cluster = await startTestCluster();
  // Registered with a range before any allocator runs: it must be kept, and never handed to another node.
  await createNode('pre', '10.244.0.0/24');
});
afterAll(async () => {
  await controller?.stop();
  await cluster?.stop();
});

const nodes = () => cluster.client.resource<Node>('nodes');

function createNode(name: string, podCIDR?: string): Promise<Node> {
  return nodes().create({ apiVersion: 'v1', kind: 'Node', metadata: { name }, ...(podCIDR ? { spec: { podCIDR } } : {}) });
}

async function restartController(opts: NodeIpamOptions = {}): Promise<void> {
  await controller?.stop();
  controller = new NodeIpamController(cluster.newClient(), opts);
  await controller.start();
}

async function assignments(): Promise<Map<string, string | undefined>> {
  return new Map((await nodes().list()).items.map((n) => [n.metadata.name!, n.spec?.podCIDR]));
}

describe('node IPAM controller', () => {
  it('gives 10 nodes 10 distinct /24s of the cluster CIDR, keeping a range set at registration', async () => {
    await restartController();
    const names = Array.from({ length: 10 }, (_, i) => `node-${i}`);
    await Promise.all(names.map((n) => createNode(n)));
    const all = await waitFor('every node has a podCIDR', async () => { const a = await assignments(); return [...a.values()].every(Boolean) && a; });
    const cidrs = names.map((n) => all.get(n)!);
    expect(new Set([...cidrs, all.get('pre')]).size).toBe(11);
    expect(all.get('pre')).toBe('10.244.0.0/24');
    for (const c of cidrs) expect(c).toMatch(/^10\.244\.([1-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-5])\.0\/24$/);
    const node = await nodes().get('node-0');
    expect(node.spec!.podCIDRs).toEqual([node.spec!.podCIDR]);
  });

  it('keeps existing assignments across a restart and hands a new node an unused range', async () => {
    const before = await assignments();
    await restartController();
    await createNode('late');
    const after = await waitFor('late node assigned', async () => { const a = await assignments(); return a.get('late') ? a : undefined; });
    for (const [name, cidr] of before) expect(after.get(name)).toBe(cidr);
    expect([...before.values()]).not.toContain(after.get('late'));
  });

  it('reports CIDRNotAvailable when the range is exhausted, and assigns a range freed by a node deletion', async () => {
    await restartController({ clusterCIDR: '10.250.0.0/23', nodeCIDRMaskSize: 24 });
    await createNode('small-a');
    await waitFor('small-a assigned', async () => (await assignments()).get('small-a'));
    await createNode('small-b');
    await waitFor('small-b assigned', async () => (await assignments()).get('small-b'));
    await createNode('small-c');
    const event = await waitFor('CIDRNotAvailable event', async () =>
      (await cluster.client.resource<Event>('events').list({ namespace: 'default' })).items.find((e) => e.involvedObject.name === 'small-c' && e.reason === REASON_CIDR_NOT_AVAILABLE));
    expect(event).toMatchObject({ type: 'Warning', involvedObject: { kind: 'Node', name: 'small-c' } });
    const a = await assignments();
    expect([a.get('small-a'), a.get('small-b')].sort()).toEqual(['10.250.0.0/24', '10.250.1.0/24']);
    expect(a.get('small-c')).toBeUndefined();

    const freed = a.get('small-a');
    await nodes().delete('small-a');
    await waitFor('small-c gets the freed range', async () => (await assignments()).get('small-c') === freed);
  });
});
