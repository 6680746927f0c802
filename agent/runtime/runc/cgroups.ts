/**
 * Where runc's cgroupfs driver puts a container's cgroup, on v1 (incl. hybrid) and v2 (unified) hosts, and
 * how the kernel reports OOM kills there. runc decides the mode the same way: v2 only when
 * /sys/fs/cgroup itself is the unified hierarchy, so a hybrid host's empty /sys/fs/cgroup/unified is ignored.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';

export type CgroupMode = 'v1' | 'v2';
export const CGROUP_ROOT = '/sys/fs/cgroup';

export async function detectCgroupMode(root = CGROUP_ROOT): Promise<CgroupMode> {
  try {
    await access(join(root, 'cgroup.controllers'));
    return 'v2';
  } catch {
    return 'v1';
  }
}

/** The directory of `cgroupsPath` (absolute, as in config.json) for `controller` (ignored on v2). */
export function cgroupDir(mode: CgroupMode, controller: string, cgroupsPath: string, root = CGROUP_ROOT): string {
  return mode === 'v2' ? join(root, cgroupsPath) : join(root, controller, cgroupsPath);
}

/** The file whose `oom_kill N` line counts the OOM kills inside the cgroup (kernel ≥ 4.13 on v1). */
export function oomCounterFile(mode: CgroupMode, cgroupsPath: string, root = CGROUP_ROOT): string {
  return join(cgroupDir(mode, 'memory', cgroupsPath, root), mode === 'v2' ? 'memory.events' : 'memory.oom_control');
}

/** The `oom_kill` count in a memory.oom_control (v1) or memory.events (v2) text; 0 when absent. */
export function parseOomKills(content: string): number {
  const match = /^oom_kill (\d+)$/m.exec(content);
  return match ? Number(match[1]) : 0;
}
