/**
 * Cross-node pod routes in the lab: the agent's route sync follows Node objects in a real registry and
 * programs the kernel of its lab host, touching only the routes it owns.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Node } from '../../api/types/core.js';
import { NodeRoutes, NODE_NETWORK_IP_ANNOTATION } from '../../agent/network/node-routes.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';
import { startNetworkLab, type NetworkLab } from '../lab/network-lab.js';

let cluster: TestCluster;
let lab: NetworkLab;
let routes: NodeRoutes;

function node(name: string, podCIDR: string, ip: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, annotations: { [NODE_NETWORK_IP_ANNOTATION]: ip } },
    spec: { podCIDR, podCIDRs: [podCIDR] },
  };
}

const kernelRoutes = async (): Promise<string> => lab.exec(lab.hosts[0]!.netns, 'ip', ['route', 'show']);

beforeAll(async () => {
  cluster = await startTestCluster();
  lab = await startNetworkLab('routes', 3);
  // A route someone else owns: the sync must leave it alone.
  await lab.exec(lab.hosts[0]!.netns, 'ip', ['route', 'add', '10.99.0.0/24', 'via', lab.hosts[2]!.ip]);
  const nodes = cluster.client.resource<Node>('nodes');
  await nodes.create(node('n1', '10.244.1.0/24', lab.hosts[0]!.ip));
  await nodes.create(node('n2', '10.244.2.0/24', lab.hosts[1]!.ip));
  routes = new NodeRoutes(cluster.client, { nodeName: 'n1', netns: lab.hosts[0]!.netns });
  await routes.start();
}, 60_000);

afterAll(async () => {
  await routes?.stop();
  await lab?.stop();
  await cluster?.stop();
});

describe('node routes', () => {
  it('routes another node\'s podCIDR via its address, and not its own', async () => {
    await routes.settled();
    const table = await kernelRoutes();
    expect(table).toContain(`10.244.2.0/24 via ${lab.hosts[1]!.ip}`);
    expect(table).not.toContain('10.244.1.0/24');
  });

  it('follows node additions, address changes and deletions, leaving other routes alone', async () => {
    const nodes = cluster.client.resource<Node>('nodes');
    await nodes.create(node('n3', '10.244.3.0/24', lab.hosts[2]!.ip));
    await waitFor('route to n3', async () => (await kernelRoutes()).includes(`10.244.3.0/24 via ${lab.hosts[2]!.ip}`));
    const n2 = await nodes.get('n2');
    n2.metadata.annotations![NODE_NETWORK_IP_ANNOTATION] = lab.hosts[2]!.ip;
    await nodes.update(n2);
    await waitFor('route to n2 moved', async () => (await kernelRoutes()).includes(`10.244.2.0/24 via ${lab.hosts[2]!.ip}`));
    await nodes.delete('n3');
    await waitFor('route to n3 gone', async () => !(await kernelRoutes()).includes('10.244.3.0/24'));
    expect(await kernelRoutes()).toContain(`10.99.0.0/24 via ${lab.hosts[2]!.ip}`);
  });
});
