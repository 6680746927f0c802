/** tmpfs mounts for memory-backed volumes (emptyDir medium Memory, secrets): mounted once, found again after an agent restart. */
import { readFile } from 'node:fs/promises';
import { runChecked } from '../runtime/runc/command.js';

/** Mount points at or under `dir`, deepest first (so they can be unmounted in order). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
  // Field 5 is the mount point, with spaces and the like octal-escaped.
  const points = lines.map((l) => l.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))));
  return points.filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`))).sort((a, b) => b.length - a.length);
}

/** Mounts a tmpfs on `dir` unless one already is; `sizeBytes` caps it (else the kernel's half of RAM). */
export async function ensureTmpfs(dir: string, mode: number, sizeBytes?: number): Promise<void> {
  if ((await mountsUnder(dir)).includes(dir)) return;
  const options = [`mode=${mode.toString(8).padStart(4, '0')}`, 'nosuid', 'nodev', ...(sizeBytes !== undefined ? [`size=${sizeBytes}`] : [])];
  await runChecked('mount', ['-t', 'tmpfs', '-o', options.join(','), 'tmpfs', dir]);
}

export async function unmountUnder(dir: string): Promise<void> {
  for (const point of await mountsUnder(dir)) await runChecked('umount', [point]);
}
