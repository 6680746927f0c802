/**
 * The processes a real node agent costs besides itself: per container a detached conmon (the container's
 * monitor, see agent/runtime/runc/conmon.ts). conmons are recognised by their command line, which names the
 * agent's data dir; container processes themselves are not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, rssMiB } from '../lib/stats.js';

export function conmonProcesses(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline[0]?.endsWith('conmon') && cmdline.some((arg) => arg.includes(dataDir))) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

export const totalRssMiB = (pids: number[]): number => pids.reduce((sum, pid) => sum + (rssMiB(pid) || 0), 0);
export const totalCpuSeconds = (pids: number[]): number => pids.reduce((sum, pid) => sum + (cpuSeconds(pid) || 0), 0);
