/** Cluster utilization figures from the scheduler's cache: requested over allocatable, and how even it is. */
import type { Snapshot } from '../../scheduler/framework/snapshot.js';

export function utilization(snapshot: Snapshot): { cpu: number; memory: number; cpuStddev: number } {
  let reqCpu = 0;
  let allocCpu = 0;
  let reqMem = 0;
  let allocMem = 0;
  const perNode: number[] = [];
  for (const n of snapshot.nodes) {
    reqCpu += n.requested.milliCPU;
    allocCpu += n.allocatable.milliCPU;
    reqMem += n.requested.memory;
    allocMem += n.allocatable.memory;
    perNode.push(n.allocatable.milliCPU ? (100 * n.requested.milliCPU) / n.allocatable.milliCPU : 0);
  }
  const mean = perNode.reduce((a, b) => a + b, 0) / Math.max(1, perNode.length);
  const variance = perNode.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, perNode.length);
  return { cpu: (100 * reqCpu) / Math.max(1, allocCpu), memory: (100 * reqMem) / Math.max(1, allocMem), cpuStddev: Math.sqrt(variance) };
}
