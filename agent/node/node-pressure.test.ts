import { describe, expect, it } from '@jest/globals';
import { memAvailableBytes, tasksInUse } from './machine-readings.js';
import { nodeHealth, type MachineReadings } from './node-pressure.js';

const Mi = 1024 * 1024;
const fine: MachineReadings = { memAvailableBytes: 8000 * Mi, fsCapacityBytes: 1000, fsAvailableBytes: 500, pidsInUse: 400, pidMax: 32768 };

describe('nodeHealth (kubelet default hard thresholds)', () => {
  it('is healthy with plenty of memory, disk and pids and a runtime that answers', () => {
    expect(nodeHealth(fine)).toEqual({ ready: true, memoryPressure: false, diskPressure: false, pidPressure: false });
  });

  it('reports MemoryPressure below 100Mi available, not at it', () => {
    expect(nodeHealth({ ...fine, memAvailableBytes: 100 * Mi - 1 }).memoryPressure).toBe(true);
    expect(nodeHealth({ ...fine, memAvailableBytes: 100 * Mi }).memoryPressure).toBe(false);
  });

  it('reports DiskPressure below 10% of the data filesystem free', () => {
    expect(nodeHealth({ ...fine, fsAvailableBytes: 99 }).diskPressure).toBe(true);
    expect(nodeHealth({ ...fine, fsAvailableBytes: 100 }).diskPressure).toBe(false);
  });

  it('reports PIDPressure below 5% of pid_max free', () => {
    expect(nodeHealth({ ...fine, pidMax: 1000, pidsInUse: 951 }).pidPressure).toBe(true);
    expect(nodeHealth({ ...fine, pidMax: 1000, pidsInUse: 950 }).pidPressure).toBe(false);
  });

  it('is not Ready, saying why, when the runtime does not answer', () => {
    expect(nodeHealth({ ...fine, runtimeError: 'spawn runc ENOENT' })).toMatchObject({ ready: false, notReadyMessage: 'container runtime is down: spawn runc ENOENT' });
  });

  it('honours custom thresholds', () => {
    expect(nodeHealth(fine, { memoryAvailableBytes: 9000 * Mi, fsAvailablePercent: 60, pidAvailablePercent: 99 }))
      .toMatchObject({ memoryPressure: true, diskPressure: true, pidPressure: true });
  });
});

describe('machine readings', () => {
  it('parses MemAvailable and the task count', () => {
    expect(memAvailableBytes('MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   2048 kB\n')).toBe(2048 * 1024);
    expect(() => memAvailableBytes('MemTotal: 1 kB\n')).toThrow(/MemAvailable/);
    expect(tasksInUse('0.52 0.58 0.59 3/467 12345\n')).toBe(467);
  });
});
