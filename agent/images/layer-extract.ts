import { createWriteStream } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, rm, symlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ReadEntry } from 'tar';
import { resolveInRoot } from './root-path.js';

/**
 * Writes one layer tar entry into a rootfs the way container runtimes do: paths are resolved inside the
 * root (never through a symlink out of it), whatever is in the way is replaced (except a directory by a
 * directory), and mode (with setuid/setgid/sticky), owner (when running as root) and mtime are applied
 * exactly. Device nodes and FIFOs are skipped: the runtime provides /dev.
 */

const IS_ROOT = process.getuid?.() === 0;
const SKIPPED_TYPES = new Set(['CharacterDevice', 'BlockDevice', 'FIFO']);
const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/** A tar entry path as a root-relative path ('' for the root); `..` can never climb above the root. */
export function entryPath(raw: string): string {
  return posix.normalize(`/${raw}`).slice(1).replace(/\/$/, '');
}

async function clearWay(target: string, keepDirectory: boolean): Promise<void> {
  const existing = await lstat(target).catch(() => undefined);
  if (!existing || (keepDirectory && existing.isDirectory())) return;
  await rm(target, { recursive: true, force: true });
}

async function applyMetadata(target: string, entry: ReadEntry, isSymlink: boolean): Promise<void> {
  if (IS_ROOT) await lchown(target, entry.uid ?? 0, entry.gid ?? 0);
  // chmod after chown: chown clears setuid/setgid bits.
  if (!isSymlink && entry.mode !== undefined) await chmod(target, entry.mode & 0o7777);
  if (entry.mtime) await lutimes(target, entry.mtime, entry.mtime);
}

export async function extractEntry(root: string, entry: ReadEntry): Promise<void> {
  const path = entryPath(entry.path);
  if (!path || SKIPPED_TYPES.has(entry.type)) {
    entry.resume();
    return;
  }
  const target = await resolveInRoot(root, path);
  await mkdir(dirname(target), { recursive: true, mode: 0o755 });
  await clearWay(target, entry.type === 'Directory');
  if (FILE_TYPES.has(entry.type)) {
    await pipeline(entry, createWriteStream(target, { mode: 0o600 }));
    await applyMetadata(target, entry, false);
    return;
  }
  entry.resume();
  switch (entry.type) {
    case 'Directory':
      await mkdir(target, { recursive: true, mode: 0o755 });
      await applyMetadata(target, entry, false);
      return;
    case 'SymbolicLink':
      await symlink(entry.linkpath ?? '', target);
      await applyMetadata(target, entry, true);
      return;
    case 'Link': {
      const source = await resolveInRoot(root, entryPath(entry.linkpath ?? ''));
      await link(source, target).catch((err: NodeJS.ErrnoException) => {
        throw new Error(`hard link ${path} → ${entry.linkpath ?? ''}: ${err.code ?? err.message}`);
      });
      return;
    }
    default:
      throw new Error(`unsupported tar entry type ${entry.type} for ${path}`);
  }
}
