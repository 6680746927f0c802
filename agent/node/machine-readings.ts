/** Reads what node pressure is judged on from the live machine (/proc and statfs). */
import { readFile, statfs } from 'node:fs/promises';
import type { MachineReadings } from './node-pressure.js';

/** MemAvailable from /proc/meminfo text, in bytes. */
export function memAvailableBytes(meminfo: string): number {
  const kib = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo)?.[1];
  if (kib === undefined) throw new Error('no MemAvailable in /proc/meminfo');
  return Number(kib) * 1024;
}

/** Tasks that exist, from /proc/loadavg's fourth field (`running/total`). */
export function tasksInUse(loadavg: string): number {
  const total = /\d+\/(\d+)/.exec(loadavg)?.[1];
  if (total === undefined) throw new Error(`unexpected /proc/loadavg: ${loadavg.trim()}`);
  return Number(total);
}

/** `runtimeCheck` rejects when the container runtime does not answer. */
export async function readMachine(dataDir: string, runtimeCheck: () => Promise<unknown>): Promise<MachineReadings> {
  const [meminfo, fs, loadavg, pidMax, runtimeError] = await Promise.all([
    readFile('/proc/meminfo', 'utf8'),
    statfs(dataDir),
    readFile('/proc/loadavg', 'utf8'),
    readFile('/proc/sys/kernel/pid_max', 'utf8'),
    runtimeCheck().then(() => undefined, (err: unknown) => (err instanceof Error ? err.message : String(err))),
  ]);
  return {
    memAvailableBytes: memAvailableBytes(meminfo),
    fsCapacityBytes: fs.blocks * fs.bsize,
    fsAvailableBytes: fs.bavail * fs.bsize,
    pidsInUse: tasksInUse(loadavg),
    pidMax: Number(pidMax.trim()),
    runtimeError,
  };
}
