/**
 * Pod configuration on a real node (runc, real registry + etcd): env from the downward API, resources,
 * ConfigMaps and Secrets, and $(VAR) expansion; a missing ConfigMap holds the container in
 * CreateContainerConfigError until it is created.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigMap, ContainerStatus, Event, Pod, Secret } from '../../api/types/core.js';
import { startAgentLab, type AgentLab } from '../harness/agent-lab.js';
import { waitFor } from '../harness/wait.js';

let lab: AgentLab;

const container = (pod: Pod, name = 'main'): ContainerStatus | undefined => pod.status?.containerStatuses?.find((c) => c.name === name);
const logOf = (pod: Pod, name = 'main', attempt = 0): Promise<string> =>
  readFile(join(lab.dataDir, 'runtime', 'logs', pod.metadata.uid!, name, `${attempt}.log`), 'utf8').catch(() => '');
/** The container's stdout lines without the CRI prefix. */
const linesOf = async (pod: Pod, name = 'main'): Promise<string[]> => (await logOf(pod, name)).split('\n').filter(Boolean).map((l) => l.split(' ').slice(3).join(' '));
const configMaps = () => lab.cluster.client.resource<ConfigMap>('configmaps');
const secrets = () => lab.cluster.client.resource<Secret>('secrets');

beforeAll(async () => {
  lab = await startAgentLab('podcfg', { configTtlMs: 300 });
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
