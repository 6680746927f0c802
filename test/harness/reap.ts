import { execFile } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether a process with this pid exists (signal 0 probes without touching it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A `cairn-test-<pid>-*` name (temp dir, container, netns) left by a test run that is no longer alive. */
export function isStaleTestName(name: string): boolean {
  const pid = Number(/^cairn-test-(\d+)-/.exec(name)?.[1]);
  return pid > 0 && pid !== process.pid && !alive(pid);
}

/**
 * Makes a crashed test run's leftovers harmless: for every `cairn-test-<pid>-*` directory whose run is gone,
 * kills processes still using it (an orphaned etcd or Prometheus), unmounts what is mounted under it (container
 * root filesystems, volume tmpfs) and removes it.
 */
export async function reapStaleTestDirs(): Promise<void> {
  const stale = (await readdir(tmpdir())).filter(isStaleTestName).map((name) => join(tmpdir(), name));
  if (!stale.length) return;
  for (const proc of await readdir('/proc')) {
    if (!/^\d+$/.test(proc)) continue;
    const cmdline = await readFile(`/proc/${proc}/cmdline`, 'utf8').catch(() => '');
    if (stale.some((dir) => cmdline.includes(dir))) {
      try { process.kill(Number(proc), 'SIGKILL'); } catch { /* already gone */ }
    }
  }
  // Deepest first, so a mount inside another mount goes before it.
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((line) => line.split(' ')[4] ?? '')
    .filter((point) => stale.some((dir) => point.startsWith(`${dir}/`))).sort((a, b) => b.length - a.length);
  for (const point of mounts) await run('umount', ['-l', point]).catch(() => undefined);
  for (const dir of stale) await rm(dir, { recursive: true, force: true });
}
