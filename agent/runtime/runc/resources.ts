/** Kubernetes requests/limits → cgroup values, with the kubelet's formulas (pkg/kubelet/cm/helpers_linux.go). */
import { quantityToMilli, quantityValue } from '../../../api/quantity.js';
import type { ResourceRequirements } from '../../../api/types/core.js';
import type { ContainerResources } from '../runtime.js';

export const MIN_SHARES = 2;
export const MAX_SHARES = 262_144;
export const SHARES_PER_CPU = 1024;
export const QUOTA_PERIOD_US = 100_000;
/** The kernel rejects a CFS quota below 1 ms. */
export const MIN_QUOTA_US = 1_000;

/** cpu.shares for a CPU request; no request still gets the minimum so the container is never starved to zero. */
export function milliCpuToShares(milliCpu: number): number {
  if (milliCpu <= 0) return MIN_SHARES;
  const shares = Math.floor((milliCpu * SHARES_PER_CPU) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

/** CFS quota for a CPU limit over `period` microseconds; undefined (unlimited) without a limit. */
export function milliCpuToQuota(milliCpu: number, period = QUOTA_PERIOD_US): number | undefined {
  if (milliCpu <= 0) return undefined;
  return Math.max(MIN_QUOTA_US, Math.floor((milliCpu * period) / 1000));
}

/**
 * The container's cgroup values. A CPU request missing while its limit is set falls back to the limit, as API
 * defaulting would have filled it; a memory request sets no cgroup value. `pidsLimit` is a node setting (the
 * kubelet's podPidsLimit).
 */
export function containerResources(requirements: ResourceRequirements | undefined, pidsLimit?: number): ContainerResources {
  const limits = requirements?.limits ?? {};
  const requests = requirements?.requests ?? {};
  const cpuRequest = requests.cpu ?? limits.cpu;
  const resources: ContainerResources = {
    cpuShares: milliCpuToShares(cpuRequest === undefined ? 0 : Number(quantityToMilli(cpuRequest))),
  };
  const quota = limits.cpu === undefined ? undefined : milliCpuToQuota(Number(quantityToMilli(limits.cpu)));
  if (quota !== undefined) {
    resources.cpuQuota = quota;
    resources.cpuPeriod = QUOTA_PERIOD_US;
  }
  if (limits.memory !== undefined) resources.memoryLimitBytes = quantityValue(limits.memory);
  if (pidsLimit !== undefined && pidsLimit > 0) resources.pidsLimit = pidsLimit;
  return resources;
}
