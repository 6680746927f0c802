/**
 * Pod configuration on a real node (runc, real registry + etcd): env from the downward API, resources,
 * ConfigMaps and Secrets, and $(VAR) expansion; a missing ConfigMap holds the container in
 * CreateContainerConfigError until it is created. Volumes: emptyDir (tmpfs too), hostPath, configMap,
 * secret, downwardAPI and projected files, updated in place except through subPath.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigMap, ContainerStatus, Event, Pod, Secret } from '../../api/types/core.js';
import { RuncRuntime } from '../../agent/runtime/runc/runc-runtime.js';
import { mountsUnder } from '../../agent/volumes/tmpfs.js';
import { startAgentLab, type AgentLab } from '../harness/agent-lab.js';
import { waitFor } from '../harness/wait.js';

let lab: AgentLab;
/** The agent's runtime state, opened by the test to exec in containers. */
let inspect: RuncRuntime;

const container = (pod: Pod, name = 'main'): ContainerStatus | undefined => pod.status?.containerStatuses?.find((c) => c.name === name);
const logOf = (pod: Pod, name = 'main', attempt = 0): Promise<string> =>
  readFile(join(lab.dataDir, 'runtime', 'logs', pod.metadata.uid!, name, `${attempt}.log`), 'utf8').catch(() => '');
/** The container's stdout lines without the CRI prefix. */
const linesOf = async (pod: Pod, name = 'main'): Promise<string[]> => (await logOf(pod, name)).split('\n').filter(Boolean).map((l) => l.split(' ').slice(3).join(' '));
const configMaps = () => lab.cluster.client.resource<ConfigMap>('configmaps');
const secrets = () => lab.cluster.client.resource<Secret>('secrets');

beforeAll(async () => {
  lab = await startAgentLab('podcfg', { configTtlMs: 300 });
  inspect = await lab.openRuntime();
}, 120_000);

afterAll(async () => {
  await lab?.stop();
}, 120_000);

describe('container env on a runc node', () => {
  it('resolves fieldRef, resourceFieldRef, configMap/secret keys, envFrom prefixes and $(VAR) in env and args', async () => {
    await configMaps().create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-settings', namespace: 'default' }, data: { MODE: 'fast', greeting: 'hi' } });
    await secrets().create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-creds', namespace: 'default' }, stringData: { password: 'pa ss' } });
    const pod = await lab.runPod({
      containers: [{
        name: 'main', image: lab.refs.busybox, command: ['sh', '-c'],
        args: ['env; echo "arg=$(URL)"; exec sleep 3600'],
        resources: { limits: { memory: '64Mi' } },
        envFrom: [{ configMapRef: { name: 'app-settings' } }, { prefix: 'CFG_', configMapRef: { name: 'app-settings' } }],
        env: [
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
          { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 'app-creds', key: 'password' } } },
          { name: 'URL', value: 'db://$(PW)@$(NODE)/$(MODE)' },
        ],
      }],
    }, { app: 'envtest' });
    const lines = await waitFor('the env printed', async () => {
      const l = await linesOf(pod);
      return l.some((x) => x.startsWith('arg=')) ? l : undefined;
    }, 30_000);
    expect(lines).toEqual(expect.arrayContaining([
      `POD=${pod.metadata.name}`, 'NS=default', `NODE=${lab.nodeName}`, 'APP=envtest', 'IP=127.0.0.1', 'MEM_MI=64', 'MODE=fast', 'CFG_greeting=hi',
      'PW=pa ss', `URL=db://pa ss@${lab.nodeName}/fast`, `arg=db://pa ss@${lab.nodeName}/fast`,
    ]));
  }, 60_000);

  it('a missing ConfigMap key is CreateContainerConfigError naming it, retried until the ConfigMap has it', async () => {
    const pod = await lab.runPod({
      containers: [{
        name: 'main', image: lab.refs.busybox, command: ['sh', '-c', 'echo "level=$LEVEL"; exec sleep 3600'],
        env: [{ name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'late-settings', key: 'level' } } }],
      }],
    });
    const waiting = await lab.podWhere(pod.metadata.name!, 'CreateContainerConfigError', (p) => container(p)?.state?.waiting?.reason === 'CreateContainerConfigError');
    expect(container(waiting)?.state?.waiting?.message).toBe('configmap "late-settings" not found');
    expect(waiting.status?.phase).toBe('Pending');
    await configMaps().create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late-settings', namespace: 'default' }, data: { other: 'x' } });
    await lab.podWhere(pod.metadata.name!, 'the missing key named', (p) => container(p)?.state?.waiting?.message === "couldn't find key level in ConfigMap default/late-settings");
    await configMaps().update({ ...await configMaps().get('late-settings', 'default'), data: { level: '7' } });
    await lab.podWhere(pod.metadata.name!, 'Running', (p) => p.status?.phase === 'Running');
    await waitFor('the value in the log', async () => (await logOf(pod)).includes('level=7'));
    await waitFor('the Failed event', async () => {
      const events = (await lab.cluster.client.resource<Event>('events').list({ namespace: 'default' })).items;
      return events.some((e) => e.involvedObject.uid === pod.metadata.uid && e.message === 'Error: configmap "late-settings" not found');
    });
  }, 60_000);
});

/** Runs `sh -c script` in the pod's running container; its stdout, or an error with stderr. */
async function sh(pod: Pod, script: string): Promise<string> {
  const id = container(await lab.cluster.client.resource<Pod>('pods').get(pod.metadata.name!, 'default'))!.containerID!.replace('runc://', '');
  const r = await inspect.exec(id, ['sh', '-c', script], { timeoutMs: 10_000 });
  if (r.exitCode !== 0) throw new Error(`${script}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

describe('volumes on a runc node', () => {
  it('mounts emptyDir, hostPath, configMap, secret, downwardAPI and projected volumes; ConfigMap changes reach files but not subPath mounts', async () => {
    await configMaps().create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-conf', namespace: 'default' }, data: { 'app.conf': 'port=80', other: 'x' } });
    await secrets().create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-tls', namespace: 'default' }, stringData: { 'tls.key': 'KEY' } });
    const hostDir = join(lab.dataDir, 'host-share');
    const pod = await lab.runPod({
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '4Mi' } },
        { name: 'share', hostPath: { path: hostDir, type: 'DirectoryOrCreate' } },
        { name: 'conf', configMap: { name: 'web-conf', items: [{ key: 'app.conf', path: 'app.conf' }] } },
        { name: 'tls', secret: { secretName: 'web-tls', defaultMode: 0o400 } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'all', projected: { sources: [{ configMap: { name: 'web-conf' } }, { secret: { name: 'web-tls' } }] } },
      ],
      containers: [{
        name: 'main', image: lab.refs.busybox, command: ['sleep', '3600'],
        volumeMounts: [
          { name: 'scratch', mountPath: '/scratch' }, { name: 'scratch', mountPath: '/scratch-ro', readOnly: true },
          { name: 'ram', mountPath: '/ram' }, { name: 'share', mountPath: '/share' }, { name: 'conf', mountPath: '/etc/app' },
          { name: 'conf', mountPath: '/pinned.conf', subPath: 'app.conf' }, { name: 'tls', mountPath: '/tls' },
          { name: 'info', mountPath: '/info' }, { name: 'all', mountPath: '/all' },
        ],
      }],
    }, { app: 'web', tier: 'front' });
    await lab.podWhere(pod.metadata.name!, 'Running', (p) => p.status?.phase === 'Running');
    expect(await sh(pod, 'echo hi > /scratch/f; cat /scratch-ro/f; echo shared > /share/f')).toBe('hi\n');
    await expect(sh(pod, 'echo no > /scratch-ro/g')).rejects.toThrow(/Read-only file system/);
    await expect(sh(pod, 'echo no > /etc/app/new')).rejects.toThrow(/Read-only file system/);
    expect(await readFile(join(hostDir, 'f'), 'utf8')).toBe('shared\n');
    expect(await sh(pod, 'grep " /ram " /proc/mounts')).toMatch(/^tmpfs \/ram tmpfs .*size=4096k/);
    expect(await sh(pod, 'cat /etc/app/app.conf; ls /etc/app; cat /pinned.conf')).toBe('port=80app.conf\nport=80');
    expect(await sh(pod, 'cat /tls/tls.key; stat -L -c %a /tls/tls.key')).toBe('KEY400\n');
    expect(await sh(pod, 'cat /info/labels')).toBe('app="web"\ntier="front"');
    expect((await sh(pod, 'ls /all')).split('\n').filter(Boolean)).toEqual(['app.conf', 'other', 'tls.key']);
    // Secrets live on a tmpfs on the node, never on its disk.
    const volumes = join(lab.dataDir, 'volumes', pod.metadata.uid!);
    expect(await mountsUnder(volumes)).toEqual(expect.arrayContaining([join(volumes, 'tls'), join(volumes, 'all'), join(volumes, 'ram')]));
    expect(await mountsUnder(volumes)).not.toContain(join(volumes, 'conf'));

    await configMaps().update({ ...await configMaps().get('web-conf', 'default'), data: { 'app.conf': 'port=8080' } });
    await waitFor('the new file content', async () => (await sh(pod, 'cat /etc/app/app.conf')) === 'port=8080', 20_000);
    expect(await sh(pod, 'cat /pinned.conf')).toBe('port=80');
    await waitFor('the removed key gone from the projected volume', async () => !(await sh(pod, 'ls /all')).includes('other'), 20_000);
    await lab.cluster.client.resource<Pod>('pods').patch(pod.metadata.name!, { metadata: { labels: { tier: 'back' } } }, undefined, 'default');
    await waitFor('the new label in the downwardAPI file', async () => (await sh(pod, 'cat /info/labels')) === 'app="web"\ntier="back"', 20_000);

    await lab.cluster.client.resource<Pod>('pods').delete(pod.metadata.name!, 'default');
    await waitFor('the pod gone', () => lab.cluster.client.resource<Pod>('pods').get(pod.metadata.name!, 'default').then(() => false, () => true), 20_000);
    await waitFor('its volumes removed and unmounted', async () => (await mountsUnder(volumes)).length === 0 && !(await stat(volumes).catch(() => undefined)));
    expect(await readFile(join(hostDir, 'f'), 'utf8')).toBe('shared\n'); // hostPath data is the host's
  }, 90_000);

  it('waits in ContainerCreating with FailedMount until a required ConfigMap exists; hostPath type checks hold the pod too', async () => {
    const pod = await lab.runPod({
      volumes: [{ name: 'conf', configMap: { name: 'later-conf' } }],
      containers: [{ name: 'main', image: lab.refs.busybox, command: ['sh', '-c', 'echo "k=`cat /conf/k`"; exec sleep 3600'], volumeMounts: [{ name: 'conf', mountPath: '/conf' }] }],
    });
    const waiting = await lab.podWhere(pod.metadata.name!, 'ContainerCreating', (p) => container(p)?.state?.waiting?.reason === 'ContainerCreating' && !!container(p)?.state?.waiting?.message);
    expect(container(waiting)?.state?.waiting?.message).toBe('MountVolume.SetUp failed for volume "conf" : configmap "later-conf" not found');
    await waitFor('the FailedMount event', async () => (await lab.cluster.client.resource<Event>('events').list({ namespace: 'default' })).items
      .some((e) => e.involvedObject.uid === pod.metadata.uid && e.reason === 'FailedMount'));
    await configMaps().create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later-conf', namespace: 'default' }, data: { k: 'v' } });
    await lab.podWhere(pod.metadata.name!, 'Running', (p) => p.status?.phase === 'Running');
    await waitFor('the file read', async () => (await logOf(pod)).includes('k=v'));

    const bad = await lab.runPod({
      volumes: [{ name: 'h', hostPath: { path: '/etc/hostname', type: 'Directory' } }],
      containers: [{ name: 'main', image: lab.refs.busybox, command: ['sleep', '3600'], volumeMounts: [{ name: 'h', mountPath: '/h' }] }],
    });
    const held = await lab.podWhere(bad.metadata.name!, 'ContainerCreating', (p) => !!container(p)?.state?.waiting?.message);
    expect(container(held)?.state?.waiting?.message).toBe('MountVolume.SetUp failed for volume "h" : hostPath type check failed: /etc/hostname is not a directory');
  }, 60_000);
});
