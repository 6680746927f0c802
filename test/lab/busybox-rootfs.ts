/**
 * A tiny root filesystem from the host's static busybox (Debian `busybox-static`): bin/busybox plus one
 * symlink per applet, so tests run real containers with no image download.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BUSYBOX_BINARY as BUSYBOX } from '../../agent/images/busybox-image.js';


/** Builds the rootfs in `dir` (created) and returns it; `nobody` (65534) exists for non-root tests. */
export async function buildBusyboxRootfs(dir: string): Promise<string> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  for (const mountPoint of ['proc', 'sys', 'dev', 'tmp', 'etc', 'root']) await mkdir(join(dir, mountPoint), { recursive: true });
  await copyFile(BUSYBOX, join(bin, 'busybox'));
  const applets = (await promisify(execFile)(BUSYBOX, ['--list'])).stdout.split('\n').filter((name) => name && name !== 'busybox');
  await Promise.all(applets.map((name) => symlink('busybox', join(bin, name))));
  await writeFile(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  await writeFile(join(dir, 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\n');
  return dir;
}
