import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, realpath, rm, stat, symlink } from 'node:fs/promises';
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

  it('never creates a subPath directory outside the volume through a symlink planted in it', async () => {
    const volumes = new PodVolumes(root, config, {});
    const ok: Pod = { ...pod, spec: { ...pod.spec, volumes: [{ name: 'scratch', emptyDir: {} }] } };
    await volumes.setUp(ok, { hostIP: '10.0.0.1' });
    const outside = await mkdtemp(join(tmpdir(), 'pod-volumes-outside-'));
    try {
      await symlink(outside, join(root, 'uid-1/scratch/esc'));
      await symlink('esc', join(root, 'uid-1/scratch/esc2'));
      for (const subPath of ['esc/made/deep', 'esc2/made']) {
        await expect(volumes.containerMounts(ok, { name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/x', subPath }] })).rejects.toThrow(/leads out of its volume/);
      }
      await expect(stat(join(outside, 'made'))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('accepts subPaths of a hostPath volume at / (containment is not a string prefix)', async () => {
    const volumes = new PodVolumes(root, config, {});
    const host: Pod = { ...pod, spec: { ...pod.spec, volumes: [{ name: 'root', hostPath: { path: '/' } }] } };
    const mounts = await volumes.containerMounts(host, { name: 'c', volumeMounts: [{ name: 'root', mountPath: '/x', subPath: root.slice(1) }] });
    expect(mounts[0]!.hostPath).toBe(await realpath(root));
  });

  it('expands subPathExpr with the container env and rejects absolute or .. results', async () => {
    const volumes = new PodVolumes(root, config, {});
    const ok: Pod = { ...pod, spec: { ...pod.spec, volumes: [{ name: 'scratch', emptyDir: {} }] } };
    await volumes.setUp(ok, { hostIP: '10.0.0.1' });
    const env = new Map([['POD', 'p-1'], ['ABS', '/etc'], ['UP', '..']]);
    const mount = (subPathExpr: string): Container => ({ name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/s' }, { name: 'scratch', mountPath: '/x', subPathExpr }] });
    const mounts = await volumes.containerMounts(ok, mount('logs/$(POD)'), env);
    expect(mounts[1]!.hostPath).toBe(join(await realpath(root), 'uid-1/scratch/logs/p-1'));
    await expect(volumes.containerMounts(ok, mount('$(ABS)'), env)).rejects.toThrow(/volumeMounts\[1\]\.subPathExpr: .* must be relative/);
    await expect(volumes.containerMounts(ok, mount('a/$(UP)/b'), env)).rejects.toThrow(/volumeMounts\[1\]\.subPathExpr: .* must not contain '\.\.'/);
  });
});
