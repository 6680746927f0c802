import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { containerConfig, resolveArgs, resolveEnv } from './container-config.js';

const image = { Entrypoint: ['/entry'], Cmd: ['default-arg'], Env: ['PATH=/bin', 'MODE=image'], WorkingDir: '/srv' };

describe('resolveArgs (Kubernetes command/args rules)', () => {
  it.each([
    [{}, ['/entry', 'default-arg']],
    [{ command: ['/bin/run'] }, ['/bin/run']],
    [{ args: ['x', 'y'] }, ['/entry', 'x', 'y']],
    [{ command: ['/bin/run'], args: ['x'] }, ['/bin/run', 'x']],
  ])('%j → %j', (spec, args) => {
    expect(resolveArgs({ name: 'c', ...spec }, image)).toEqual(args);
  });

  it('expands $(VAR) in the pod\'s command and args against the container env, not in the image\'s', () => {
    const env = new Map([['TARGET', 'world']]);
    expect(resolveArgs({ name: 'c', command: ['echo', '$(TARGET)'], args: ['$(NOPE)', '$$(TARGET)'] }, image, env)).toEqual(['echo', 'world', '$(NOPE)', '$(TARGET)']);
    expect(resolveArgs({ name: 'c' }, { Entrypoint: ['$(TARGET)'] }, env)).toEqual(['$(TARGET)']);
  });
});

describe('containerConfig', () => {
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'ns', uid: 'u1' }, spec: { containers: [] } };

  it('overrides image env by name, keeps the image workingDir, converts limits, labels the pod', () => {
    const spec = { name: 'app', resources: { limits: { memory: '64Mi', cpu: '500m' } } };
    const env = new Map([['MODE', 'pod'], ['EXTRA', '1']]);
    expect(resolveEnv(env, image)).toEqual(['PATH=/bin', 'MODE=pod', 'EXTRA=1']);
    const config = containerConfig({ pod, spec, kind: 'app', attempt: 2, image, imageID: 'sha256:abc', rootfs: '/r', env });
    expect(config).toMatchObject({
      id: 'u1-c-app-2', podId: 'u1', name: 'app', attempt: 2, workingDir: '/srv', hostname: 'web', rootfs: '/r',
      resources: { memoryLimitBytes: 64 * 1024 * 1024, cpuQuota: 50_000, cpuPeriod: 100_000 },
      labels: { 'cairn.dev/pod-uid': 'u1', 'cairn.dev/container-kind': 'app', 'cairn.dev/image-id': 'sha256:abc' },
    });
  });

  it('refuses a container with nothing to run', () => {
    expect(() => containerConfig({ pod, spec: { name: 'x' }, kind: 'app', attempt: 0, image: {}, imageID: '', rootfs: '/r', env: new Map() })).toThrow(/no command/);
  });
});
