import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container, Pod } from '../../api/types/core.js';
import type { ConfigSource } from '../pods/config-source.js';
import { PodVolumes } from './pod-volumes.js';

let root: string;
beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'pod-volumes-')); });
afterEach(async () => { await rm(root, { recursive: true, force: true }); });

const config: ConfigSource = {
  get: async (kind, _ns, name) => (kind === 'ConfigMap' && name === 'cm' ? { kind, strings: {}, bytes: { 'a.conf': Buffer.from('A') } } : undefined),
};
const pod: Pod = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'uid-1' },
  spec: { containers: [], volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'conf', configMap: { name: 'cm' } }, { name: 'missing', configMap: { name: 'gone' } }] },
};

describe('PodVolumes', () => {
  it('names the volume when set-up fails', async () => {
    const volumes = new PodVolumes(root, config, {});
    await expect(volumes.setUp(pod, { hostIP: '10.0.0.1' })).rejects.toThrow('MountVolume.SetUp failed for volume "missing" : configmap "gone" not found');
  });

  it('binds volumes read-only where they are files, creates emptyDir subPaths, and keeps subPaths inside the volume', async () => {
    const volumes = new PodVolumes(root, config, {});
    const ok: Pod = { ...pod, spec: { ...pod.spec, volumes: pod.spec.volumes!.slice(0, 2) } };
    await volumes.setUp(ok, { hostIP: '10.0.0.1' });
    const spec: Container = {
      name: 'main',
      volumeMounts: [
        { name: 'scratch', mountPath: '/s' }, { name: 'scratch', mountPath: '/logs', subPath: 'logs/app' },
        { name: 'conf', mountPath: '/etc/conf' }, { name: 'conf', mountPath: '/a.conf', subPath: 'a.conf' },
      ],
    };
    const mounts = await volumes.containerMounts(ok, spec);
    const base = join(root, 'uid-1');
    expect(mounts.slice(0, 3)).toEqual([
      { hostPath: join(base, 'scratch'), containerPath: '/s', readOnly: false },
      { hostPath: join(base, 'scratch/logs/app'), containerPath: '/logs', readOnly: false },
      { hostPath: join(base, 'conf'), containerPath: '/etc/conf', readOnly: true },
    ]);
    expect(mounts[3]!.hostPath).toMatch(new RegExp(`^${base}/conf/\\.\\.[^/]+/a\\.conf$`)); // this generation's file
    expect(await readFile(mounts[3]!.hostPath, 'utf8')).toBe('A');
    await symlink('/etc', join(base, 'scratch/escape'));
    await expect(volumes.containerMounts(ok, { name: 'x', volumeMounts: [{ name: 'scratch', mountPath: '/x', subPath: 'escape' }] })).rejects.toThrow(/leads out of its volume/);
    await expect(volumes.containerMounts(ok, { name: 'x', volumeMounts: [{ name: 'conf', mountPath: '/x', subPath: 'nope' }] })).rejects.toThrow(/does not exist/);
    expect(await volumes.podUids()).toEqual(['uid-1']);
    await volumes.remove('uid-1');
    expect(await volumes.podUids()).toEqual([]);
  });
});
