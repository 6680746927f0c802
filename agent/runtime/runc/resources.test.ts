import { describe, expect, it } from '@jest/globals';
import { containerResources, milliCpuToQuota, milliCpuToShares } from './resources.js';

describe('kubelet cgroup formulas', () => {
  it.each([
    [0, 2], [1, 2], [2, 2], [100, 102], [250, 256], [1000, 1024], [500_000, 262_144],
  ])('%i millicpu → %i shares', (milli, shares) => expect(milliCpuToShares(milli)).toBe(shares));

  it.each([
    [0, undefined], [5, 1000], [10, 1000], [500, 50_000], [1500, 150_000],
  ])('%i millicpu limit → quota %s', (milli, quota) => expect(milliCpuToQuota(milli)).toBe(quota));
});

describe('containerResources', () => {
  it('maps requests and limits', () => {
    expect(containerResources({ requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '1', memory: '64Mi' } }, 100)).toEqual({
      cpuShares: 256, cpuQuota: 100_000, cpuPeriod: 100_000, memoryLimitBytes: 64 * 1024 * 1024, pidsLimit: 100,
    });
  });

  it('falls back to the cpu limit when no request is given, like API defaulting', () => {
    expect(containerResources({ limits: { cpu: '500m' } })).toEqual({ cpuShares: 512, cpuQuota: 50_000, cpuPeriod: 100_000 });
  });

  it('gives a best-effort container minimal shares and no limits', () => {
    expect(containerResources(undefined)).toEqual({ cpuShares: 2 });
    expect(containerResources({}, 0)).toEqual({ cpuShares: 2 });
  });

  it('rounds memory up to whole bytes', () => {
    expect(containerResources({ limits: { memory: '1.5k' } }).memoryLimitBytes).toBe(1500);
    expect(containerResources({ limits: { memory: '1G' } }).memoryLimitBytes).toBe(1e9);
  });
});
