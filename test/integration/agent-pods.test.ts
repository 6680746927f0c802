/**
 * The node agent end to end: real registry + etcd, real runc, network namespaces and cgroups, images pulled
 * from Debian's docker-registry. Pods are bound to the agent's node with the binding subresource (no
 * scheduler). Every container, netns, cgroup and directory carries this run's prefix and is removed in teardown.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Container, ContainerStatus, Event, Pod, PodSpec } from '../../api/types/core.js';
import { DistributionClient } from '../../agent/images/distribution-client.js';
import { NodeAgent, type NodeAgentOptions } from '../../agent/node/node-agent.js';
import { RuncRuntime } from '../../agent/runtime/runc/runc-runtime.js';
import { removeAgentNodeState } from '../harness/agent-lab.js';
import { startTestCluster, TEST_PREFIX, type TestCluster } from '../harness/cluster.js';
import { createBoundPod, podWhere as podWhereIn } from '../harness/bound-pods.js';
import { waitFor, within } from '../harness/wait.js';
import { startLabRegistry, type LabRegistry } from '../lab/image-registry.js';
import { startRegistryProxy, type RegistryProxy } from '../lab/registry-proxy.js';
import { pushTestImages, type TestImageRefs } from '../lab/test-images.js';

const CAIRN = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url));
const prefix = `${TEST_PREFIX}agent-${Math.random().toString(36).slice(2, 7)}`;
const dataDir = join(tmpdir(), prefix);
const nodeName = `${prefix}-node`;
const agentOptions: NodeAgentOptions = {
  nodeName, dataDir, agentVersion: 'v0.0.0-test', hostIP: '127.0.0.1', port: 0, cgroupParent: `/${prefix}`, netnsPrefix: `${prefix}-`,
  resyncMs: 300, crashBackoff: { initialMs: 1000, maxMs: 8000 }, leaseIntervalMs: 5000,
};

let cluster: TestCluster;
let registry: LabRegistry;
let proxy: RegistryProxy;
let refs: TestImageRefs;
let agent: NodeAgent;
/** The agent's runtime state, opened by the test to look inside (and to clean up). */
let inspect: RuncRuntime;
let seq = 0;

const via = (ref: string): string => ref.replace(registry.host, proxy.host);
const pods = () => cluster.client.resource<Pod>('pods');

async function runPod(spec: Partial<PodSpec> & { containers: Container[] }): Promise<Pod> {
  return createBoundPod(pods(), nodeName, { name: `p${seq++}`, namespace: 'default', spec: { terminationGracePeriodSeconds: 5, ...spec } });
}

function podWhere(name: string, what: string, check: (pod: Pod) => boolean, timeoutMs?: number): Promise<Pod> {
  return podWhereIn(pods(), name, 'default', what, check, timeoutMs);
}

const container = (pod: Pod, name = 'main'): ContainerStatus | undefined => pod.status?.containerStatuses?.find((c) => c.name === name);
const condition = (pod: Pod, type: string): string | undefined => pod.status?.conditions?.find((c) => c.type === type)?.status;
const logOf = (pod: Pod, attempt = 0, name = 'main'): Promise<string> =>
  readFile(join(dataDir, 'runtime', 'logs', pod.metadata.uid!, name, `${attempt}.log`), 'utf8').catch(() => '');
const blobGets = (): number => proxy.requests.filter((r) => r.startsWith('GET ') && r.includes('/blobs/')).length;

async function events(pod: Pod): Promise<Event[]> {
  const all = await cluster.client.resource<Event>('events').list({ namespace: 'default' });
  return all.items.filter((e) => e.involvedObject?.uid === pod.metadata.uid);
}

beforeAll(async () => {
  cluster = await startTestCluster();
  registry = await startLabRegistry();
  proxy = await startRegistryProxy(registry.host);
  refs = await pushTestImages(new DistributionClient(), registry.host);
  agent = new NodeAgent(cluster.client, agentOptions);
  await agent.start();
  inspect = await RuncRuntime.open({ stateDir: join(dataDir, 'runtime'), cgroupParent: `/${prefix}`, netnsPrefix: `${prefix}-` });
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await removeAgentNodeState(dataDir, prefix);
  await proxy?.stop();
  await registry?.stop();
  await cluster?.stop();
}, 120_000);

describe('node agent with runc', () => {
  it('registers the node with the machine capacity', async () => {
    const node = await cluster.client.resource<{ status?: { capacity?: Record<string, string>; nodeInfo?: Record<string, string> } } & Pod>('nodes').get(nodeName);
    expect(node.status?.capacity).toMatchObject({ pods: '110' });
    expect(Number(node.status?.capacity?.cpu)).toBeGreaterThan(0);
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^runc:\/\//);
  });

  it('runs a pod with its command, args, env and workingDir; a second pod reuses the pulled image', async () => {
    const spec = (): Container => ({
      name: 'main', image: via(refs.busybox), command: ['sh', '-c'], args: ['echo "hello $GREETING from $(pwd)"; exec sleep 3600'],
      env: [{ name: 'GREETING', value: 'world' }], workingDir: '/tmp',
    });
    const first = await runPod({ containers: [spec()] });
    const running = await podWhere(first.metadata.name!, 'Running and Ready', (p) => p.status?.phase === 'Running' && condition(p, 'Ready') === 'True');
    expect(container(running)).toMatchObject({ ready: true, started: true, restartCount: 0, state: { running: {} } });
    expect(running.status?.hostIP).toBe('127.0.0.1');
    expect(condition(running, 'Initialized')).toBe('True');
    await waitFor('greeting in the log', async () => (await logOf(running)).includes('hello world from /tmp'));
    // Status is written only when it changes: a settled pod is not rewritten on every resync.
    const settled = (await podWhere(first.metadata.name!, 'ready', (p) => container(p)?.ready === true)).metadata.resourceVersion;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await pods().get(first.metadata.name!, 'default')).metadata.resourceVersion).toBe(settled);
    const pulled = blobGets();
    expect(pulled).toBeGreaterThan(0);
    const second = await runPod({ containers: [spec()] });
    await podWhere(second.metadata.name!, 'Running', (p) => p.status?.phase === 'Running');
    expect(blobGets()).toBe(pulled);
  }, 60_000);

  it('restarts a failing container with crash-loop back-off and counts the restarts', async () => {
    const pod = await runPod({ containers: [{ name: 'main', image: via(refs.busybox), command: ['sh', '-c', 'echo boom; exit 3'] }] });
    const seen = await podWhere(pod.metadata.name!, 'CrashLoopBackOff after a restart', (p) =>
      container(p)?.state?.waiting?.reason === 'CrashLoopBackOff' && (container(p)?.restartCount ?? 0) >= 1);
    expect(container(seen)?.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    const later = await podWhere(pod.metadata.name!, 'two restarts', (p) => (container(p)?.restartCount ?? 0) >= 2);
    expect(later.status?.phase).toBe('Running'); // restartPolicy Always
    expect(await logOf(later, 2)).toContain('boom');
    expect((await events(pod)).map((e) => e.reason)).toContain('BackOff');
  }, 60_000);

  it('reports OOMKilled for a container over its memory limit, and Failed with restartPolicy Never', async () => {
    const pod = await runPod({
      restartPolicy: 'Never',
      containers: [{ name: 'main', image: via(refs.testServer), env: [{ name: 'ALLOC_MB', value: '200' }], resources: { limits: { memory: '24Mi' } } }],
    });
    const failed = await podWhere(pod.metadata.name!, 'Failed', (p) => p.status?.phase === 'Failed');
    expect(container(failed)?.state?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  }, 60_000);

  it('init containers run first, in order; readiness gates Ready', async () => {
    const pod = await runPod({
      initContainers: [{ name: 'init', image: via(refs.busybox), command: ['sh', '-c', 'echo init done'] }],
      containers: [{
        name: 'main', image: via(refs.testServer), env: [{ name: 'READY_AFTER', value: '3' }],
        readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
      }],
    });
    const running = await podWhere(pod.metadata.name!, 'Running', (p) => p.status?.phase === 'Running');
    expect(condition(running, 'Ready')).toBe('False');
    expect(running.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const ready = await podWhere(pod.metadata.name!, 'Ready', (p) => condition(p, 'Ready') === 'True');
    expect(container(ready)).toMatchObject({ ready: true, restartCount: 0 });
  }, 60_000);

  it('restarts a container whose liveness probe fails', async () => {
    const pod = await runPod({
      containers: [{
        name: 'main', image: via(refs.testServer), env: [{ name: 'FAIL_LIVENESS_AFTER', value: '2' }],
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1, failureThreshold: 2 },
      }],
    });
    const restarted = await podWhere(pod.metadata.name!, 'a restart', (p) => (container(p)?.restartCount ?? 0) >= 1);
    expect(container(restarted)?.lastState?.terminated).toBeDefined();
    const reasons = (await events(pod)).map((e) => `${e.reason}: ${e.message}`);
    expect(reasons.some((r) => r.startsWith('Unhealthy: Liveness probe failed'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('Killing:'))).toBe(true);
  }, 60_000);

  it('stops containers within the grace period on delete, then the pod and its sandbox are gone', async () => {
    const pod = await runPod({
      terminationGracePeriodSeconds: 2,
      containers: [{ name: 'main', image: via(refs.busybox), command: ['sh', '-c', "trap '' TERM; while true; do sleep 0.2; done"] }],
    });
    await podWhere(pod.metadata.name!, 'Running', (p) => p.status?.phase === 'Running');
    const started = Date.now();
    await pods().delete(pod.metadata.name!, 'default');
    await waitFor('pod gone', async () => pods().get(pod.metadata.name!, 'default').then(() => false, () => true), 20_000);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1500); // TERM ignored: killed only once the grace period is over
    expect(took).toBeLessThan(10_000);
    expect(await inspect.listContainers({ podId: pod.metadata.uid })).toEqual([]);
    expect((await inspect.listPodSandboxes()).map((s) => s.podId)).not.toContain(pod.metadata.uid);
  }, 60_000);

  it('a restarted agent adopts running containers without restarting them', async () => {
    const pod = await runPod({
      containers: [{ name: 'main', image: via(refs.testServer), readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }],
    });
    const before = await podWhere(pod.metadata.name!, 'Ready', (p) => condition(p, 'Ready') === 'True');
    await agent.stop();
    agent = new NodeAgent(cluster.client, agentOptions);
    await agent.start();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = await podWhere(pod.metadata.name!, 'Ready', (p) => condition(p, 'Ready') === 'True');
    expect(container(after)?.containerID).toBe(container(before)?.containerID);
    expect(container(after)?.state?.running?.startedAt).toBe(container(before)?.state?.running?.startedAt);
    expect(container(after)?.restartCount).toBe(0);
    const mine = await inspect.listContainers({ podId: pod.metadata.uid });
    expect(mine.map((c) => c.state)).toEqual(['running']);
  }, 60_000);
});

describe('cairn agent (real node)', () => {
  it('registers this machine under --node-name with its data in --data-dir, and stops on SIGINT', async () => {
    const name = `${prefix}-cli`;
    const child = spawn('node', [CAIRN, '--kubeconfig', cluster.kubeconfig, 'agent', '--node-name', name, '--node-ip', '127.0.0.1', '--port', '0', '--data-dir', join(dataDir, 'cli'), '--label', 'role=test', '--no-pod-network']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor('registration reported', () => stderr.includes(`node ${name} registered`), 20_000);
      const node = await cluster.client.resource<Pod>('nodes').get(name);
      expect(node.metadata.labels).toMatchObject({ role: 'test', 'kubernetes.io/hostname': name });
      await waitFor('its lease', () => cluster.client.resource<Pod>('leases').get(name, 'kube-node-lease').then(() => true, () => false));
      child.kill('SIGINT');
      expect(await within('the agent exiting', exited, 10_000)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
