/**
 * Container lifecycle on a real node (runc, real registry + etcd): postStart hooks gate Running and kill on
 * failure, httpGet preStop reaches the pod, activeDeadlineSeconds fails the pod.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerStatus, Event, Pod } from '../../api/types/core.js';
import { RuncRuntime } from '../../agent/runtime/runc/runc-runtime.js';
import { startAgentLab, type AgentLab } from '../harness/agent-lab.js';
import { waitFor } from '../harness/wait.js';

let lab: AgentLab;
let inspect: RuncRuntime;

const container = (pod: Pod, name = 'main'): ContainerStatus | undefined => pod.status?.containerStatuses?.find((c) => c.name === name);
const pods = () => lab.cluster.client.resource<Pod>('pods');
async function eventsOf(pod: Pod): Promise<Event[]> {
  return (await lab.cluster.client.resource<Event>('events').list({ namespace: 'default' })).items.filter((e) => e.involvedObject.uid === pod.metadata.uid);
}

beforeAll(async () => {
  lab = await startAgentLab('lifecycle');
  inspect = await lab.openRuntime();
}, 120_000);

afterAll(async () => {
  await lab?.stop();
}, 120_000);

describe('lifecycle hooks and deadlines on a runc node', () => {
  it('shows the container Running only once its postStart hook has run', async () => {
    const pod = await lab.runPod({
      containers: [{
        name: 'main', image: lab.refs.busybox, command: ['sleep', '3600'],
        lifecycle: { postStart: { exec: { command: ['sh', '-c', 'sleep 2; echo hooked > /tmp/hook'] } } },
      }],
    });
    const running = await lab.podWhere(pod.metadata.name!, 'running', (p) => container(p)?.state?.running !== undefined);
    const id = container(running)!.containerID!.replace('runc://', '');
    const seen = await inspect.exec(id, ['cat', '/tmp/hook']);
    expect(seen).toMatchObject({ exitCode: 0, stdout: 'hooked\n' });
  }, 60_000);

  it('kills a container whose postStart hook fails, with a FailedPostStartHook event, and restarts it', async () => {
    const pod = await lab.runPod({
      containers: [{
        name: 'main', image: lab.refs.busybox, command: ['sleep', '3600'],
        lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo nope >&2; exit 3'] } } },
      }],
    });
    const restarted = await lab.podWhere(pod.metadata.name!, 'a restart', (p) => (container(p)?.restartCount ?? 0) >= 1);
    expect(container(restarted)?.lastState?.terminated).toBeDefined();
    expect(container(restarted)?.ready).toBe(false);
    await waitFor('the FailedPostStartHook event', async () => (await eventsOf(pod)).some((e) => e.reason === 'FailedPostStartHook' && e.type === 'Warning' && /nope/.test(e.message ?? '')));
  }, 60_000);

  it('runs an httpGet preStop hook against the pod before stopping it', async () => {
    const hits = join(lab.dataDir, 'prestop-hits');
    // busybox httpd runs /cgi-bin/hook, which appends to a file the test reads through a hostPath volume.
    const server = [
      'mkdir -p /www/cgi-bin',
      'printf "#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho ok\\necho \\"\\$REQUEST_METHOD \\$REQUEST_URI\\" >> /out/hits\\n" > /www/cgi-bin/hook',
      'chmod +x /www/cgi-bin/hook',
      'exec httpd -f -p 8080 -h /www',
    ].join('; ');
    const pod = await lab.runPod({
      terminationGracePeriodSeconds: 5,
      volumes: [{ name: 'out', hostPath: { path: hits, type: 'DirectoryOrCreate' } }],
      containers: [{
        name: 'main', image: lab.refs.busybox, command: ['sh', '-c', server], volumeMounts: [{ name: 'out', mountPath: '/out' }],
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
        lifecycle: { preStop: { httpGet: { path: '/cgi-bin/hook?from=prestop', port: 8080 } } },
      }],
    });
    await lab.podWhere(pod.metadata.name!, 'Ready', (p) => container(p)?.ready === true);
    await pods().delete(pod.metadata.name!, 'default');
    await waitFor('pod gone', () => pods().get(pod.metadata.name!, 'default').then(() => false, () => true), 20_000);
    expect(await readFile(join(hits, 'hits'), 'utf8')).toBe('GET /cgi-bin/hook?from=prestop\n');
  }, 60_000);

  it('fails a pod past activeDeadlineSeconds with DeadlineExceeded and stops its containers', async () => {
    const pod = await lab.runPod({
      activeDeadlineSeconds: 3,
      containers: [{ name: 'main', image: lab.refs.busybox, command: ['sleep', '3600'] }],
    });
    await lab.podWhere(pod.metadata.name!, 'Running', (p) => p.status?.phase === 'Running');
    const failed = await lab.podWhere(pod.metadata.name!, 'Failed', (p) => p.status?.phase === 'Failed');
    expect(failed.status).toMatchObject({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    const stopped = await lab.podWhere(pod.metadata.name!, 'container terminated', (p) => container(p)?.state?.terminated !== undefined);
    expect(container(stopped)?.restartCount).toBe(0);
    expect((await inspect.listContainers({ podId: pod.metadata.uid })).map((c) => c.state)).toEqual(['exited']);
    await waitFor('the DeadlineExceeded event', async () => (await eventsOf(pod)).some((e) => e.reason === 'DeadlineExceeded'));
  }, 60_000);
});
