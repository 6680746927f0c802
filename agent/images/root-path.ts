import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';

const MAX_SYMLINKS = 255;

function components(path: string): string[] {
  return path.split('/').filter((p) => p && p !== '.');
}

/**
 * The host path of `path` as seen from inside a root filesystem: symlinks met on the way are followed
 * the way the container would follow them (absolute targets from `root`, `..` never above `root`), so a
 * layer entry or whiteout can never reach outside the rootfs. The last component is followed only when
 * `followLast` is set (extraction replaces a symlink, it does not write through it).
 */
export async function resolveInRoot(root: string, path: string, followLast = false): Promise<string> {
  let pending = components(path);
  let resolved: string[] = [];
  let links = 0;
  while (pending.length) {
    const part = pending.shift() as string;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    if (!pending.length && !followLast) {
      resolved.push(part);
      break;
    }
    const candidate = join(root, ...resolved, part);
    const stat = await lstat(candidate).catch(() => undefined);
    if (!stat?.isSymbolicLink()) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_SYMLINKS) throw new Error(`too many levels of symbolic links resolving ${path}`);
    const target = await readlink(candidate);
    if (target.startsWith('/')) resolved = [];
    pending = [...components(target), ...pending];
  }
  return join(root, ...resolved);
}
