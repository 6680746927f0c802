/**
 * Container logs end to end: a real agent (runc) writes CRI log files, serves them over HTTPS, the registry
 * proxies pods/{name}/log, and `cairn logs` / `kubectl logs` read them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Node, Pod } from '../../api/types/core.js';
import { startAgentLab, type AgentLab } from '../harness/agent-lab.js';
import { waitFor, within } from '../harness/wait.js';

const run = promisify(execFile);
const CAIRN = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url));

let lab: AgentLab;
const busybox = (): string => lab.refs.busybox;
const running = (p: Pod): boolean => p.status?.phase === 'Running';

async function cairn(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [CAIRN, '--kubeconfig', lab.cluster.kubeconfig, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A pod that prints `lines` and then keeps running. */
async function printer(lines: string[], labels?: Record<string, string>): Promise<Pod> {
  const script = `${lines.map((l) => `echo ${l}`).join('; ')}; exec sleep 3600`;
  const pod = await lab.runPod({ containers: [{ name: 'main', image: busybox(), command: ['sh', '-c', script] }] }, labels);
  await lab.podWhere(pod.metadata.name!, 'Running', running);
  return pod;
}

beforeAll(async () => {
  lab = await startAgentLab('logs');
}, 120_000);

afterAll(async () => {
  await lab?.stop();
}, 120_000);

describe('pod logs', () => {
  it('the node reports where its agent serves', async () => {
    const node = await lab.cluster.client.resource<Node>('nodes').get(lab.nodeName);
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBeGreaterThan(0);
    expect(node.status?.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.1' });
  });

  it('cairn logs shows the lines, --tail the last ones, --timestamps their times; kubectl logs too', async () => {
    const pod = await printer(['one', 'two', 'three']);
    const name = pod.metadata.name!;
    await waitFor('all lines', async () => (await cairn('logs', name)).stdout === 'one\ntwo\nthree\n', 15_000);
    expect((await cairn('logs', name, '--tail', '2')).stdout).toBe('two\nthree\n');
    expect((await cairn('logs', name, '--tail', '1', '--timestamps')).stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z three\n$/);
    expect((await cairn('logs', name, '--since', '1h')).stdout).toBe('one\ntwo\nthree\n');
    const kubectl = await run('kubectl', ['--kubeconfig', lab.cluster.kubeconfig, 'logs', name]);
    expect(kubectl.stdout).toBe('one\ntwo\nthree\n');
    const tail = await run('kubectl', ['--kubeconfig', lab.cluster.kubeconfig, 'logs', name, '--tail=1']);
    expect(tail.stdout).toBe('three\n');
  }, 60_000);

  it('-f receives a line printed later and ends when the container exits', async () => {
    const pod = await lab.runPod({
      restartPolicy: 'Never',
      containers: [{ name: 'main', image: busybox(), command: ['sh', '-c', 'echo first; sleep 8; echo later; sleep 1'] }],
    });
    const name = pod.metadata.name!;
    await lab.podWhere(name, 'Running', running);
    const child = spawn('node', [CAIRN, '--kubeconfig', lab.cluster.kubeconfig, 'logs', '-f', name]);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor('the first line', () => stdout.includes('first\n'), 15_000);
      expect(stdout).not.toContain('later');
      await waitFor('the later line', () => stdout.includes('later\n'), 15_000);
      expect(await within('logs -f ending after the container exited', exited, 15_000)).toBe(0);
      expect(stdout).toBe('first\nlater\n');
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('-l reads every matching pod, each line prefixed with pod/container', async () => {
    const a = await printer(['alpha'], { app: 'logweb' });
    const b = await printer(['beta'], { app: 'logweb' });
    await printer(['other'], { app: 'unrelated' });
    let out = '';
    await waitFor('both pods', async () => {
      out = (await cairn('logs', '-l', 'app=logweb')).stdout;
      return out.includes('beta');
    }, 15_000);
    expect(out.split('\n').filter(Boolean).sort()).toEqual([`[${a.metadata.name}/main] alpha`, `[${b.metadata.name}/main] beta`]);
  }, 60_000);

  it('--previous shows the attempt before a restart', async () => {
    const pod = await lab.runPod({ containers: [{ name: 'main', image: busybox(), command: ['sh', '-c', 'echo "run $(cut -d" " -f1 /proc/uptime)"; exit 1'] }] });
    const name = pod.metadata.name!;
    await lab.podWhere(name, 'restarted', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    let previous = '';
    let current = '';
    await waitFor('both attempts logged', async () => {
      previous = (await cairn('logs', name, '--previous')).stdout;
      current = (await cairn('logs', name)).stdout;
      return /^run [\d.]+\n$/.test(previous) && /^run [\d.]+\n$/.test(current) && previous !== current;
    }, 20_000);
    // The previous attempt ran first (the host's uptime, in hundredths of a second, as each attempt saw it).
    expect(Number(previous.slice(4, -1))).toBeLessThan(Number(current.slice(4, -1)));
  }, 60_000);

  it('explains what it cannot show: several containers and none named, no node yet, no previous attempt', async () => {
    const pods = lab.cluster.client.resource<Pod>('pods');
    const two = await lab.runPod({
      containers: ['a', 'b'].map((n) => ({ name: n, image: busybox(), command: ['sh', '-c', `echo from-${n}; exec sleep 3600`] })),
    });
    const multi = await cairn('logs', two.metadata.name!);
    expect(multi.code).toBe(1);
    expect(multi.stderr).toContain(`a container name must be specified for pod ${two.metadata.name}, choose one of: [a b]`);
    await lab.podWhere(two.metadata.name!, 'Running', running);
    await waitFor('container b by name', async () => (await cairn('logs', two.metadata.name!, '-c', 'b')).stdout === 'from-b\n', 15_000);

    await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unbound', namespace: 'default' }, spec: { containers: [{ name: 'main', image: busybox() }] } });
    const unbound = await cairn('logs', 'unbound');
    expect(unbound.code).toBe(1);
    expect(unbound.stderr).toContain('pod unbound does not have a host assigned');

    const noPrevious = await cairn('logs', two.metadata.name!, '-c', 'a', '--previous');
    expect(noPrevious.code).toBe(1);
    expect(noPrevious.stderr).toContain('previous terminated container "a"');
  }, 60_000);
});
