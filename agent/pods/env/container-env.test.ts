import { describe, expect, it } from '@jest/globals';
import type { Container, Pod } from '../../../api/types/core.js';
import { ContainerConfigError, type ConfigData, type ConfigSource } from '../config-source.js';
import { resolveContainerEnv, type EnvContext } from './container-env.js';

const objects: Record<string, ConfigData> = {
  'ConfigMap/ns/app': { kind: 'ConfigMap', strings: { MODE: 'fast', 'bad-key!': 'x', level: '3' }, bytes: {} },
  'Secret/ns/creds': { kind: 'Secret', strings: { password: 's3cret' }, bytes: {} },
};
const source: ConfigSource = { get: async (kind, ns, name) => objects[`${kind}/${ns}/${name}`] };

const pod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web', namespace: 'ns', uid: 'u-1', labels: { app: 'web', tier: 'front' }, annotations: { owner: 'team a' } },
  spec: {
    nodeName: 'node-1', serviceAccountName: 'runner',
    containers: [{ name: 'main', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '128Mi' } } }, { name: 'side' }],
  },
};
const ctx: EnvContext = { pod, config: source, addresses: { podIP: '10.1.0.5', hostIP: '192.168.0.2' }, allocatable: { cpu: '4', memory: '8Gi' } };
const main = (extra: Partial<Container>): Container => ({ ...pod.spec.containers[0]!, ...extra });
const resolve = async (extra: Partial<Container>) => Object.fromEntries((await resolveContainerEnv(ctx, main(extra))).vars);

describe('resolveContainerEnv', () => {
  it('reads pod fields through fieldRef', async () => {
    const fields = ['metadata.name', 'metadata.namespace', 'metadata.uid', "metadata.labels['app']", "metadata.annotations['owner']",
      "metadata.labels['none']", 'spec.nodeName', 'spec.serviceAccountName', 'status.podIP', 'status.hostIP'];
    const env = await resolve({ env: fields.map((fieldPath, i) => ({ name: `F${i}`, valueFrom: { fieldRef: { fieldPath } } })) });
    expect(Object.values(env)).toEqual(['web', 'ns', 'u-1', 'web', 'team a', '', 'node-1', 'runner', '10.1.0.5', '192.168.0.2']);
  });

  it('reads resources with a divisor, rounding up; an unset limit is the node allocatable', async () => {
    const ref = (resource: string, divisor?: string, containerName?: string) => ({ resourceFieldRef: { resource, divisor, containerName } });
    const env = await resolve({
      env: [
        { name: 'CPU_REQ', valueFrom: ref('requests.cpu', '1m') },
        { name: 'CPU_REQ_CORES', valueFrom: ref('requests.cpu') },
        { name: 'MEM_LIMIT_MI', valueFrom: ref('limits.memory', '1Mi') },
        { name: 'CPU_LIMIT', valueFrom: ref('limits.cpu') },
        { name: 'SIDE_MEM', valueFrom: ref('limits.memory', '1Gi', 'side') },
      ],
    });
    expect(env).toEqual({ CPU_REQ: '250', CPU_REQ_CORES: '1', MEM_LIMIT_MI: '128', CPU_LIMIT: '4', SIDE_MEM: '8' });
  });

  it('takes envFrom in order with its prefix, then env entries override and expand earlier variables', async () => {
    const { vars, invalidKeys } = await resolveContainerEnv(ctx, main({
      envFrom: [{ configMapRef: { name: 'app' } }, { prefix: 'DB_', secretRef: { name: 'creds' } }],
      env: [
        { name: 'URL', value: 'db://$(DB_password)@$(MODE)/$(UNSET)' },
        { name: 'MODE', value: 'slow' },
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'app', key: 'level' } } },
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        { name: 'ESC', value: '$$(MODE)' },
      ],
    }));
    expect([...vars]).toEqual([
      ['MODE', 'slow'], ['level', '3'], ['DB_password', 's3cret'], ['URL', 'db://s3cret@fast/$(UNSET)'], ['LEVEL', '3'], ['PW', 's3cret'], ['ESC', '$(MODE)'],
    ]);
    expect(invalidKeys).toEqual(['bad-key!']);
  });

  it('leaves out optional references that are missing', async () => {
    const env = await resolve({
      envFrom: [{ configMapRef: { name: 'gone', optional: true } }],
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k', optional: true } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope', optional: true } } },
      ],
    });
    expect(env).toEqual({});
  });

  it.each([
    [{ envFrom: [{ configMapRef: { name: 'gone' } }] }, 'configmap "gone" not found'],
    [{ envFrom: [{ secretRef: { name: 'gone' } }] }, 'secret "gone" not found'],
    [{ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] }, 'configmap "gone" not found'],
    [{ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'app', key: 'nope' } } }] }, "couldn't find key nope in ConfigMap ns/app"],
    [{ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope' } } }] }, "couldn't find key nope in Secret ns/creds"],
    [{ env: [{ name: 'A', value: 'a' }, { name: 'B', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } }] }, 'env[1].valueFrom.resourceFieldRef.divisor: "0" must be a quantity greater than zero'],
  ] as [Partial<Container>, string][])('a missing required reference is a config error: %j', async (extra, message) => {
    const err = await resolve(extra).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerConfigError);
    expect((err as Error).message).toBe(message);
  });
});
