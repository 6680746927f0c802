/**
 * A container's writable root: an overlay whose lower layer is the image's shared, read-only rootfs and whose
 * upper layer is the container's own, so containers of one image never see each other's writes. Mounts live
 * in the host's mount namespace and outlive the agent; ensure/remove are idempotent.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class ContainerRootfs {
  constructor(private readonly root: string) {}

  private dirs(containerId: string): { dir: string; upper: string; work: string; merged: string } {
    const dir = join(this.root, containerId);
    return { dir, upper: join(dir, 'upper'), work: join(dir, 'work'), merged: join(dir, 'merged') };
  }

  /** Mounts `imageRootfs` + a fresh upper layer for `containerId`; returns the merged directory. */
  async ensure(containerId: string, imageRootfs: string): Promise<string> {
    const { upper, work, merged } = this.dirs(containerId);
    if (await this.mounted(merged)) return merged;
    await Promise.all([upper, work, merged].map((d) => mkdir(d, { recursive: true })));
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${imageRootfs},upperdir=${upper},workdir=${work}`, merged]);
    return merged;
  }

  /** Unmounts and deletes the container's layer; no error when absent. */
  async remove(containerId: string): Promise<void> {
    const { dir, merged } = this.dirs(containerId);
    if (await this.mounted(merged)) await run('umount', [merged]);
    await rm(dir, { recursive: true, force: true });
  }

  private async mounted(path: string): Promise<boolean> {
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    return mounts.split('\n').some((line) => line.split(' ')[4] === path);
  }
}
