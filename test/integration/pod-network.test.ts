/**
 * The pod network end to end on two lab hosts with real agents, runc containers, the CNI plugin, the service
 * proxy and the NetworkPolicy agent: what a user of the cluster sees from inside a pod.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Pod, Service } from '../../api/types/core.js';
import type { NetworkPolicy } from '../../api/types/network-policy.js';
import { waitFor } from '../harness/wait.js';
import { startNetworkCluster, type NetworkCluster } from '../harness/network-cluster.js';
import { TEST_SERVER_PORT } from '../lab/test-images.js';

let net: NetworkCluster;
let client: Pod;
const web: Pod[] = [];

/**
 * `count` GETs of `host:port` from inside `from`, in one exec: each response's body (the serving pod's name),
 * or undefined for a request that got no answer. With busybox nc: Debian's static busybox wget crashes.
 */
async function fetchManyFrom(from: Pod, host: string, port: number, count: number, timeoutSeconds = 2): Promise<(string | undefined)[]> {
  const request = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w ${timeoutSeconds} ${host} ${port}; echo '<end>'`;
  const result = await net.exec(from, ['sh', '-c', `for i in $(seq ${count}); do ${request}; done`], count * (timeoutSeconds + 1) * 1000 + 5000);
  return result.stdout.split('<end>\n').slice(0, count).map((response) =>
    response.startsWith('HTTP/1.') ? response.split('\r\n\r\n')[1]?.trim() : undefined);
}

async function fetchFrom(from: Pod, host: string, port = TEST_SERVER_PORT, timeoutSeconds = 2): Promise<string | undefined> {
  return (await fetchManyFrom(from, host, port, 1, timeoutSeconds))[0];
}

function server(name: string): { containers: [{ name: string; image: string; env: { name: string; value: string }[]; ports: { name: string; containerPort: number }[]; readinessProbe: object }] } {
  return {
    containers: [{
      name: 'server', image: net.refs.testServer, env: [{ name: 'MESSAGE', value: name }],
      ports: [{ name: 'http', containerPort: TEST_SERVER_PORT }],
      readinessProbe: { httpGet: { path: '/ready', port: TEST_SERVER_PORT }, periodSeconds: 1, failureThreshold: 1 },
    }],
  };
}

beforeAll(async () => {
  net = await startNetworkCluster('podnet', 2, { dns: true });
  const [n1, n2] = net.nodes;
  client = await net.runPod(n1!, 'client', { containers: [{ name: 'sh', image: net.refs.busybox, command: ['sleep', '3600'] }] }, { labels: { role: 'client' } });
  for (const [i, node] of [n1!, n2!, n2!].entries()) web.push(await net.runPod(node, `web-${i}`, server(`web-${i}`), { labels: { app: 'web' } }));
}, 180_000);

afterAll(async () => {
  await net?.stop();
}, 60_000);

describe('pod network', () => {
  it('gives every pod an address in its node\'s podCIDR', async () => {
    const nodes = await net.cluster.client.resource('nodes').list();
    for (const pod of [client, ...web]) {
      const node = nodes.items.find((n) => n.metadata.name === pod.spec.nodeName) as { spec: { podCIDR: string } };
      const [base] = node.spec.podCIDR.split('.0/24');
      expect(pod.status!.podIP!.startsWith(`${base}.`)).toBe(true);
    }
    expect(new Set(web.map((p) => p.status!.podIP)).size).toBe(3);
  });

  it('reaches a pod on the same node and one across hosts by pod IP', async () => {
    expect(await fetchFrom(client, web[0]!.status!.podIP!)).toBe('web-0');
    expect(await fetchFrom(client, web[1]!.status!.podIP!)).toBe('web-1');
  });
});

describe('host network pods', () => {
  it('share their node\'s network: the node\'s address, no namespace or pod-network address of their own', async () => {
    const node = net.nodes[1]!;
    const pod = await net.runPod(node, 'hostnet', { hostNetwork: true, ...server('hostnet') }, { labels: { role: 'hostnet' } });
    expect(pod.status!.podIP).toBe(node.host.ip);
    const namespaces = await net.lab.exec(net.lab.hosts[0]!.netns, 'ip', ['netns', 'list']);
    expect(namespaces).not.toContain(pod.metadata.uid);
    expect(await fetchFrom(client, node.host.ip)).toBe('hostnet');
    await net.cluster.client.resource('pods').delete('hostnet', 'default');
  });
});

describe('services', () => {
  let vip: string;

  beforeAll(async () => {
    const svc = await net.cluster.client.resource<Service>('services').create({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    vip = svc.spec.clusterIP!;
  });

  /** Names of the pods that answered `count` requests to the VIP. */
  async function spread(count: number): Promise<Set<string>> {
    return new Set((await fetchManyFrom(client, vip, 80, count)).map((body) => body ?? 'no answer'));
  }

  it('load-balances the service VIP over every ready endpoint, on both nodes', async () => {
    await waitFor('all three endpoints in rotation', async () => (await spread(10)).size === 3, 30_000);
    expect([...await spread(30)].sort()).toEqual(['web-0', 'web-1', 'web-2']);
  });

  it('lets an endpoint reach itself through its own service (hairpin)', async () => {
    const answers = await fetchManyFrom(web[0]!, vip, 80, 20);
    expect(answers).not.toContain(undefined);
    expect(answers).toContain('web-0');
  });

  it('takes an endpoint that turns unready out of the rotation', async () => {
    await net.exec(web[2]!, ['rm', '/tmp/cairn-test-server/ready']);
    await waitFor('web-2 out of rotation', async () => !(await spread(10)).has('web-2'), 20_000);
    expect([...await spread(20)].sort()).toEqual(['web-0', 'web-1']);
  });
});

describe('cluster DNS', () => {
  const dig = async (pod: Pod, ...args: string[]): Promise<string> =>
    (await net.lab.exec(net.netnsOf(pod), 'dig', ['@10.96.0.10', '+short', '+time=2', '+tries=1', ...args])).trim();

  it('answers a service\'s A and SRV records through the kube-dns VIP, from pods on either node', async () => {
    const vip = (await net.cluster.client.resource<Service>('services').get('web', 'default')).spec.clusterIP!;
    expect(await dig(client, 'web.default.svc.cluster.local')).toBe(vip);
    expect(await dig(web[1]!, 'web.default.svc.cluster.local')).toBe(vip);
    expect(await dig(client, 'SRV', '_http._tcp.web.default.svc.cluster.local')).toMatch(/^0 100 80 web\.default\.svc\.cluster\.local\.$/m);
    expect(await dig(client, 'nothing-here.default.svc.cluster.local')).toBe('');
  });

  it('resolves a short service name through the pod\'s search path, and serves by that name', async () => {
    const vip = (await net.cluster.client.resource<Service>('services').get('web', 'default')).spec.clusterIP!;
    const lookup = await net.exec(client, ['nslookup', 'web']);
    expect(lookup.stdout).toContain('Name:\tweb.default.svc.cluster.local');
    expect(lookup.stdout).toContain(`Address: ${vip}`);
    expect(['web-0', 'web-1']).toContain(await fetchFrom(client, 'web', 80));
  });
});

describe('network policy', () => {
  const policies = () => net.cluster.client.resource<NetworkPolicy>('networkpolicies');
  let other: Pod;

  beforeAll(async () => {
    other = await net.runPod(net.nodes[1]!, 'other', { containers: [{ name: 'sh', image: net.refs.busybox, command: ['sleep', '3600'] }] }, { labels: { role: 'other' } });
  });

  it('a default-deny policy blocks traffic to the selected pods; an allow rule admits exactly the selected peers and ports', async () => {
    const target = web[1]!.status!.podIP!; // on node 2: client's traffic crosses hosts, other's stays on the node
    expect(await fetchFrom(client, target)).toBe('web-1');
    await policies().create({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web-deny', namespace: 'default' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
    });
    await waitFor('default deny in effect', async () => await fetchFrom(client, target, TEST_SERVER_PORT, 1) === undefined, 20_000);
    expect(await fetchFrom(other, target, TEST_SERVER_PORT, 1)).toBeUndefined();
    await policies().create({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web-from-clients', namespace: 'default' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 'http' }] }],
      },
    });
    await waitFor('client admitted', async () => await fetchFrom(client, target, TEST_SERVER_PORT, 1) === 'web-1', 20_000);
    expect(await fetchFrom(other, target, TEST_SERVER_PORT, 1)).toBeUndefined();
  });
});
