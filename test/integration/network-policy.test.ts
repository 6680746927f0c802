/**
 * NetworkPolicy end to end: policies and pods in a real registry, the agent programming real nftables in a lab
 * node namespace, and TCP between three pod namespaces wired as the CNI plugin wires them (veth to the node's
 * cairn0 bridge, a /32 gateway route), so every pod-to-pod packet crosses the node's forward hook.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Namespace, Pod } from '../../api/types/core.js';
import type { NetworkPolicy, NetworkPolicySpec } from '../../api/types/network-policy.js';
import { startNetworkPolicyAgent, type NetworkPolicyAgent } from '../../dataplane/policy/agent.js';
import { compilePolicies } from '../../dataplane/policy/compile.js';
import { nftRunner } from '../../dataplane/nft-runner.js';
import { PolicySyncer } from '../../dataplane/policy/syncer.js';
import { emptyRuleset } from '../../dataplane/policy/ruleset.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor, within } from '../harness/wait.js';
import { createNetns, deleteNetns, inNetns, reapStaleNetns, testNetnsName } from '../lab/netns.js';

const run = promisify(execFile);
const TOOL = fileURLToPath(new URL('../lab/tcp-probe.js', import.meta.url));
const NODE_NAME = 'np-node';
const NODE = testNetnsName('np-node');
const SCRATCH = testNetnsName('np-nft');
const GATEWAY = '10.244.1.1';

interface LabPod { name: string; namespace: string; netns: string; ip: string; labels: Record<string, string>; ports?: { name: string; containerPort: number }[] }
const db: LabPod = { name: 'db', namespace: 'default', netns: testNetnsName('np-db'), ip: '10.244.1.10', labels: { app: 'db' }, ports: [{ name: 'postgres', containerPort: 5432 }] };
const frontend: LabPod = { name: 'frontend', namespace: 'default', netns: testNetnsName('np-fe'), ip: '10.244.1.11', labels: { role: 'frontend' } };
const other: LabPod = { name: 'other', namespace: 'team-a', netns: testNetnsName('np-other'), ip: '10.244.1.12', labels: { role: 'other' } };
const labPods = [db, frontend, other];

let cluster: TestCluster;
let agent: NetworkPolicyAgent | undefined;
const processes: ChildProcess[] = [];

async function wirePod(p: LabPod, veth: string): Promise<void> {
  await createNetns(p.netns);
  await inNetns(NODE, 'ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', p.netns]);
  await inNetns(NODE, 'ip', ['link', 'set', veth, 'master', 'cairn0', 'up']);
  await inNetns(p.netns, 'ip', ['addr', 'add', `${p.ip}/24`, 'dev', 'eth0', 'noprefixroute']);
  await inNetns(p.netns, 'ip', ['link', 'set', 'eth0', 'up']);
  await inNetns(p.netns, 'ip', ['route', 'add', `${GATEWAY}/32`, 'dev', 'eth0', 'scope', 'link']);
  await inNetns(p.netns, 'ip', ['route', 'add', 'default', 'via', GATEWAY, 'dev', 'eth0']);
  await inNetns(p.netns, 'sysctl', ['-qw', 'net.ipv4.conf.all.accept_redirects=0']);
  const server = spawn('ip', ['netns', 'exec', p.netns, process.execPath, TOOL, 'serve', '5432', '8080'], { stdio: ['ignore', 'pipe', 'inherit'] });
  processes.push(server);
  await within(`server in ${p.name}`, once(createInterface({ input: server.stdout! }), 'line'));
}

async function createPod(p: LabPod): Promise<void> {
  const pods = cluster.client.resource<Pod>('pods');
  const created = await pods.create({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
    spec: { nodeName: NODE_NAME, containers: [{ name: 'app', image: 'busybox:1.36', ports: p.ports ?? [] }] },
  });
  await pods.updateStatus({ ...created, status: { phase: 'Running', podIP: p.ip, podIPs: [{ ip: p.ip }] } });
}

beforeAll(async () => {
  await reapStaleNetns();
  await createNetns(NODE);
  await inNetns(NODE, 'ip', ['link', 'add', 'cairn0', 'type', 'bridge']);
  await inNetns(NODE, 'ip', ['addr', 'add', `${GATEWAY}/24`, 'dev', 'cairn0']);
  await inNetns(NODE, 'ip', ['link', 'set', 'cairn0', 'up']);
  await inNetns(NODE, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  await inNetns(NODE, 'sysctl', ['-qw', 'net.ipv4.conf.all.send_redirects=0']);
  for (const [i, p] of labPods.entries()) await wirePod(p, `veth-np${i}`);

  cluster = await startTestCluster();
  await cluster.client.resource<Namespace>('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } } });
  for (const p of labPods) await createPod(p);
  agent = await startNetworkPolicyAgent({ client: cluster.newClient(), nodeName: NODE_NAME, netns: NODE });
}, 60_000);

afterAll(async () => {
  for (const child of processes) child.kill();
  await agent?.stop();
  await cluster?.stop();
  for (const p of labPods) await deleteNetns(p.netns);
  await deleteNetns(NODE);
  await deleteNetns(SCRATCH);
}, 60_000);

const policies = () => cluster.client.resource<NetworkPolicy>('networkpolicies');
function netpol(name: string, spec: NetworkPolicySpec, namespace = 'default'): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/** Whether a new TCP connection from `from` to `to:port` gets its line echoed. */
async function reaches(from: LabPod, to: LabPod, port: number): Promise<boolean> {
  return (await inNetns(from.netns, process.execPath, [TOOL, 'probe', to.ip, String(port), '700'])).trim() === 'ok';
}

/** Waits until the agent has applied what makes the connection succeed (or fail). */
async function eventually(from: LabPod, to: LabPod, port: number, want: boolean): Promise<void> {
  await waitFor(`${from.name} -> ${to.name}:${port} ${want ? 'open' : 'blocked'}`, async () => (await reaches(from, to, port)) === want, 15_000);
}

describe('NetworkPolicy enforcement on a lab node', () => {
  it('lets every pod reach every other pod without policies', async () => {
    expect(await reaches(frontend, db, 5432)).toBe(true);
    expect(await reaches(other, db, 5432)).toBe(true);
    expect(await reaches(db, frontend, 8080)).toBe(true);
  });

  it('serves NetworkPolicies to kubectl and refuses invalid ones', async () => {
    await policies().create(netpol('deny-db', { podSelector: { matchLabels: { app: 'db' } } }));
    const { stdout } = await run('kubectl', ['--kubeconfig', cluster.kubeconfig, 'get', 'netpol', '-n', 'default'], { timeout: 30_000 });
    expect(stdout).toMatch(/^NAME\s+POD-SELECTOR\s+AGE\n/);
    expect(stdout).toMatch(/deny-db\s+app=db\s+/);
    const stored = await policies().get('deny-db', 'default');
    expect(stored.spec.policyTypes).toEqual(['Ingress']);
    await expect(policies().create(netpol('bad', { podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] })))
      .rejects.toThrow(/spec.ingress\[0\].ports\[0\].endPort/);
  });

  it('denies ingress to the selected pod only, leaving its egress open', async () => {
    await eventually(frontend, db, 5432, false);
    expect(await reaches(other, db, 5432)).toBe(false);
    expect(await reaches(db, frontend, 8080)).toBe(true);
    expect(await reaches(frontend, other, 8080)).toBe(true);
  });

  it('allows role=frontend on the named port, and nothing else', async () => {
    await policies().create(netpol('allow-frontend', {
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }], ports: [{ port: 'postgres' }] }],
    }));
    await eventually(frontend, db, 5432, true);
    expect(await reaches(other, db, 5432)).toBe(false);
    expect(await reaches(frontend, db, 8080)).toBe(false);
  });

  it('keeps an established connection through a policy update that no longer allows it', async () => {
    const hold = spawn('ip', ['netns', 'exec', frontend.netns, process.execPath, TOOL, 'hold', db.ip, '5432'], { stdio: ['pipe', 'pipe', 'inherit'] });
    processes.push(hold);
    const lines: Interface = createInterface({ input: hold.stdout! });
    const next = async (): Promise<string> => (await within('held connection', once(lines, 'line')))[0] as string;
    const say = async (text: string): Promise<string> => {
      const reply = next();
      hold.stdin!.write(`${text}\n`);
      return reply;
    };
    expect(await next()).toBe('connected');
    expect(await say('before')).toBe('5432:before');

    const current = await policies().get('allow-frontend', 'default');
    current.spec.ingress![0]!.ports = [{ protocol: 'TCP', port: 8080 }];
    await policies().update(current);
    await eventually(frontend, db, 8080, true);
    expect(await reaches(frontend, db, 5432)).toBe(false);
    expect(await say('after')).toBe('5432:after');
    hold.stdin!.end();
  });

  it('denies egress of the selected pod', async () => {
    await policies().create(netpol('frontend-egress', { podSelector: { matchLabels: { role: 'frontend' } }, policyTypes: ['Egress'] }));
    await eventually(frontend, other, 8080, false);
    expect(await reaches(frontend, db, 8080)).toBe(false);
    expect(await reaches(other, frontend, 8080)).toBe(true);
    await policies().delete('frontend-egress', 'default');
    await eventually(frontend, other, 8080, true);
  });

  it('allows pods of namespaces a namespaceSelector picks, following namespace labels', async () => {
    await policies().create(netpol('from-team-a', {
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }], ports: [{ port: 5432 }] }],
    }));
    await eventually(other, db, 5432, true);
    expect(await reaches(frontend, db, 5432)).toBe(false);

    const namespaces = cluster.client.resource<Namespace>('namespaces');
    const teamA = await namespaces.get('team-a');
    await namespaces.update({ ...teamA, metadata: { ...teamA.metadata, labels: { ...teamA.metadata.labels, team: 'b' } } });
    await eventually(other, db, 5432, false);
  });

  it('lifts every restriction when the policies are gone', async () => {
    for (const name of ['deny-db', 'allow-frontend', 'from-team-a']) await policies().delete(name, 'default');
    await eventually(other, db, 5432, true);
    expect(await reaches(frontend, db, 5432)).toBe(true);
    const table = await inNetns(NODE, 'nft', ['list', 'table', 'inet', 'cairn-policy']);
    expect(table).not.toMatch(/chain (ing|egr)-/);
    expect(table).toMatch(/ct state established,related accept/);
  });
});

describe('the rendered nftables', () => {
  it('is accepted by nft for every rule shape, through updates and back to nothing', async () => {
    await createNetns(SCRATCH);
    const syncer = new PolicySyncer(nftRunner(SCRATCH));
    const pods: Pod[] = labPods.map((p) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
      spec: { nodeName: NODE_NAME, containers: [{ name: 'app', ports: p.ports ?? [] }] }, status: { phase: 'Running', podIP: p.ip },
    }));
    const namespaces: Namespace[] = [{ metadata: { name: 'default', labels: {} } }, { metadata: { name: 'team-a', labels: { team: 'a' } } }];
    const rich = [
      netpol('rich-in', {
        podSelector: {},
        ingress: [
          { from: [{ podSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'SCTP' }, { protocol: 'TCP', port: 6000, endPort: 6100 }] },
          { from: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { role: 'other' } } }], ports: [{ protocol: 'TCP', port: 'postgres' }] },
          {},
        ],
      }),
      netpol(`rich-out-${'x'.repeat(220)}`, {
        podSelector: { matchLabels: { role: 'frontend' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ protocol: 'TCP', port: 'postgres' }, { protocol: 'TCP', port: 8080 }] }, { ports: [{ protocol: 'UDP', port: 'dns' }] }],
      }),
    ];
    const compile = (policies: NetworkPolicy[]) => compilePolicies({ nodeName: NODE_NAME, policies, pods, namespaces });
    await syncer.sync(compile(rich));
    const full = await inNetns(SCRATCH, 'nft', ['list', 'table', 'inet', 'cairn-policy']);
    expect(full).toMatch(/ip daddr \. meta l4proto \. th dport @to-ports-[0-9a-f]{32} return/);
    expect(full).toMatch(/chain ing-default\.db \{/);
    expect((await syncer.sync(compile(rich.slice(1)))).length).toBeGreaterThan(0);
    await syncer.sync(compile([rich[0]!]));
    await syncer.sync(emptyRuleset());
    const table = await inNetns(SCRATCH, 'nft', ['list', 'table', 'inet', 'cairn-policy']);
    expect(table).not.toMatch(/chain (ing|egr)-|set (from|to)-/);
  });
});
