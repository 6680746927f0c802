import { describe, expect, it } from '@jest/globals';
import type { ContainerConfig } from '../runtime.js';
import { buildSpec, DEFAULT_CAPABILITIES, DEFAULT_PATH } from './spec.js';

const base: ContainerConfig = { id: 'c1', podId: 'p1', name: 'web', attempt: 0, rootfs: '/r', args: ['sh', '-c', 'true'] };
const build = (config: Partial<ContainerConfig> = {}) =>
  buildSpec({ config: { ...base, ...config }, cgroupsPath: '/cairn/c1', netnsPath: '/run/netns/cairn-p1' });

describe('buildSpec', () => {
  it('runs the args as root in / with a default PATH, joining the pod netns and creating the rest', () => {
    const spec = build();
    expect(spec.process).toMatchObject({ args: ['sh', '-c', 'true'], cwd: '/', user: { uid: 0, gid: 0 }, env: [`PATH=${DEFAULT_PATH}`], terminal: false });
    expect(spec.root).toEqual({ path: '/r', readonly: false });
    expect(spec.linux.namespaces).toContainEqual({ type: 'network', path: '/run/netns/cairn-p1' });
    expect(spec.linux.namespaces.map((n) => n.type).sort()).toEqual(['ipc', 'mount', 'network', 'pid', 'uts']);
    expect(spec.linux.cgroupsPath).toBe('/cairn/c1');
    expect(spec.hostname).toBeUndefined();
  });

  it('confines the process: default capabilities only, no new privileges, masked /proc files, all devices denied', () => {
    const spec = build();
    expect(spec.process.capabilities.bounding).toEqual(DEFAULT_CAPABILITIES);
    expect(spec.process.capabilities.bounding).not.toContain('CAP_SYS_ADMIN');
    expect(spec.process.capabilities.bounding).not.toContain('CAP_NET_ADMIN');
    expect(spec.process.noNewPrivileges).toBe(true);
    expect(spec.linux.maskedPaths).toContain('/proc/kcore');
    expect(spec.linux.readonlyPaths).toContain('/proc/sys');
    expect(spec.linux.resources.devices).toEqual([{ allow: false, access: 'rwm' }]);
    expect(spec.mounts.find((m) => m.destination === '/sys')?.options).toContain('ro');
  });

  it('keeps the caller env, adds HOSTNAME with a hostname, and never overrides PATH', () => {
    const spec = build({ env: ['PATH=/bin', 'A=1'], hostname: 'web-0', workingDir: '/app', user: { uid: 1000, gid: 1000, additionalGids: [5] } });
    expect(spec.process.env).toEqual(['HOSTNAME=web-0', 'PATH=/bin', 'A=1']);
    expect(spec.hostname).toBe('web-0');
    expect(spec.process.cwd).toBe('/app');
    expect(spec.process.user).toEqual({ uid: 1000, gid: 1000, additionalGids: [5] });
  });

  it('bind-mounts volumes privately, read-only when asked, after the system mounts', () => {
    const spec = build({ mounts: [{ hostPath: '/h/a', containerPath: '/a' }, { hostPath: '/h/b', containerPath: '/b', readOnly: true }], readonlyRootfs: true });
    expect(spec.mounts.slice(-2)).toEqual([
      { destination: '/a', type: 'bind', source: '/h/a', options: ['rbind', 'rprivate'] },
      { destination: '/b', type: 'bind', source: '/h/b', options: ['rbind', 'rprivate', 'ro'] },
    ]);
    expect(spec.mounts[0].destination).toBe('/proc');
    expect(spec.root.readonly).toBe(true);
  });

  it('writes only the limits that are set', () => {
    expect(build().linux.resources).toEqual({ devices: [{ allow: false, access: 'rwm' }] });
    const limited = JSON.parse(JSON.stringify(build({ resources: { cpuShares: 256, cpuQuota: 50_000, cpuPeriod: 100_000, memoryLimitBytes: 1 << 26, pidsLimit: 64 } })));
    expect(limited.linux.resources).toMatchObject({ cpu: { shares: 256, quota: 50_000, period: 100_000 }, memory: { limit: 1 << 26 }, pids: { limit: 64 } });
    const sharesOnly = JSON.parse(JSON.stringify(build({ resources: { cpuShares: 2, cpuPeriod: 100_000 } })));
    expect(sharesOnly.linux.resources.cpu).toEqual({ shares: 2 });
  });
});
