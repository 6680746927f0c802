/** hostPath volume type checks (and creation for the *OrCreate types), with the kubelet's messages. */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HostPathType } from '../../api/types/core.js';
import { VolumeError } from './payload.js';

const WANTED: Record<Exclude<HostPathType, '' | 'DirectoryOrCreate' | 'FileOrCreate'>, [string, (s: Awaited<ReturnType<typeof stat>>) => boolean]> = {
  Directory: ['a directory', (s) => s.isDirectory()],
  File: ['a file', (s) => s.isFile()],
  Socket: ['a socket file', (s) => s.isSocket()],
  CharDevice: ['a character device', (s) => s.isCharacterDevice()],
  BlockDevice: ['a block device', (s) => s.isBlockDevice()],
};

export async function checkHostPath(path: string, type: HostPathType = ''): Promise<void> {
  if (type === '') return;
  const current = await stat(path).catch(() => undefined);
  if (!current && type === 'DirectoryOrCreate') {
    await mkdir(path, { recursive: true, mode: 0o755 });
    return;
  }
  if (!current && type === 'FileOrCreate') {
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await writeFile(path, '', { mode: 0o644, flag: 'a' });
    return;
  }
  const [what, ok] = WANTED[type === 'DirectoryOrCreate' ? 'Directory' : type === 'FileOrCreate' ? 'File' : type];
  if (!current || !ok(current)) throw new VolumeError(`hostPath type check failed: ${path} is not ${what}`);
}
