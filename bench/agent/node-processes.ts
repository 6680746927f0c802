/**
 * The processes a real node agent costs: the agent itself, and per container a detached supervisor (a Node.js
 * process) and its `runc run` child. Supervisors are recognised by their command line, which names the
 * agent's data dir; container processes themselves are not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, rssMiB } from '../lib/stats.js';

interface Proc { pid: number; ppid: number; comm: string; cmdline: string }

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push({ pid: Number(entry), ppid, comm, cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

export interface NodeProcesses {
  supervisors: number[];
  runcs: number[];
}

export function nodeProcesses(dataDir: string): NodeProcesses {
  const all = processes();
  const supervisors = all.filter((p) => p.cmdline.includes('supervisor-main.js') && p.cmdline.includes(dataDir)).map((p) => p.pid);
  const bySupervisor = new Set(supervisors);
  const runcs = all.filter((p) => bySupervisor.has(p.ppid) && p.comm === 'runc').map((p) => p.pid);
  return { supervisors, runcs };
}

export const totalRssMiB = (pids: number[]): number => pids.reduce((sum, pid) => sum + (rssMiB(pid) || 0), 0);
export const totalCpuSeconds = (pids: number[]): number => pids.reduce((sum, pid) => sum + (cpuSeconds(pid) || 0), 0);
