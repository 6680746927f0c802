/**
 * Node health from machine readings, by the kubelet's default hard eviction thresholds
 * (memory.available < 100Mi, nodefs.available < 10%, pid.available < 5% of pid_max). Pure.
 */
import type { NodeHealth } from './node-object.js';

export interface MachineReadings {
  /** /proc/meminfo MemAvailable. */
  memAvailableBytes: number;
  /** The filesystem holding the agent's data dir (statfs: blocks and bavail). */
  fsCapacityBytes: number;
  fsAvailableBytes: number;
  /** Tasks (processes and threads) that exist, and /proc/sys/kernel/pid_max. */
  pidsInUse: number;
  pidMax: number;
  /** Why the container runtime did not answer; undefined when it did. */
  runtimeError?: string;
}

export interface PressureThresholds {
  /** MemoryPressure below this many bytes available. */
  memoryAvailableBytes: number;
  /** DiskPressure below this share of the data dir's filesystem free. */
  fsAvailablePercent: number;
  /** PIDPressure below this share of pid_max free. */
  pidAvailablePercent: number;
}

export const DEFAULT_PRESSURE_THRESHOLDS: PressureThresholds = {
  memoryAvailableBytes: 100 * 1024 * 1024,
  fsAvailablePercent: 10,
  pidAvailablePercent: 5,
};

export function nodeHealth(r: MachineReadings, t: PressureThresholds = DEFAULT_PRESSURE_THRESHOLDS): NodeHealth {
  return {
    ready: r.runtimeError === undefined,
    ...(r.runtimeError !== undefined ? { notReadyMessage: `container runtime is down: ${r.runtimeError}` } : {}),
    memoryPressure: r.memAvailableBytes < t.memoryAvailableBytes,
    diskPressure: r.fsCapacityBytes > 0 && r.fsAvailableBytes * 100 < r.fsCapacityBytes * t.fsAvailablePercent,
    pidPressure: r.pidMax > 0 && (r.pidMax - r.pidsInUse) * 100 < r.pidMax * t.pidAvailablePercent,
  };
}

/** Whether two healths give the same condition statuses and messages (what a status write would change). */
export function sameHealth(a: NodeHealth, b: NodeHealth): boolean {
  return a.ready === b.ready && a.notReadyMessage === b.notReadyMessage && a.memoryPressure === b.memoryPressure
    && a.diskPressure === b.diskPressure && a.pidPressure === b.pidPressure;
}
