/**
 * A pod's volumes on this node, under `<root>/<pod uid>/<volume name>`: emptyDir (tmpfs for medium Memory),
 * hostPath after its type check, and configMap/secret/downwardAPI/projected files kept current through the
 * atomic writer on every sync (secret and projected ones on a tmpfs, so secrets never reach the disk). Then
 * each container's volumeMounts as bind mounts, subPath resolved once at container start.
 */
import { chmod, lstat, mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { parseQuantity } from '../../api/quantity.js';
import type { Container, Pod, ResourceList, Volume } from '../../api/types/core.js';
import type { ConfigSource } from '../pods/config-source.js';
import { expand } from '../pods/env/expansion.js';
import type { PodAddresses } from '../pods/downward-api.js';
import type { ContainerMount } from '../runtime/runtime.js';
import { AtomicWriter } from './atomic-writer.js';
import { checkHostPath } from './host-path.js';
import { volumePayload, VolumeError } from './payload.js';
import { ensureTmpfs, unmountUnder } from './tmpfs.js';

/** emptyDir is world-writable like the kubelet's, so containers running as any user can use it. */
const EMPTY_DIR_MODE = 0o777;

export class PodVolumes {
  private readonly writer = new AtomicWriter();
  /** tmpfs mounts made (or found) already: a sync of a settled pod reads no mount table. */
  private readonly mounted = new Set<string>();

  constructor(private readonly root: string, private readonly config: ConfigSource, private readonly allocatable: ResourceList) {}

  private dir(pod: Pod, volume: string): string {
    return join(this.root, pod.metadata.uid!, volume);
  }

  /** Creates or refreshes every volume of the pod; a VolumeError names the volume, like the kubelet's FailedMount. */
  async setUp(pod: Pod, addresses: PodAddresses): Promise<void> {
    for (const volume of pod.spec.volumes ?? []) {
      try {
        await this.setUpOne(pod, volume, addresses);
      } catch (err) {
        if (!(err instanceof VolumeError)) throw err;
        throw new VolumeError(`MountVolume.SetUp failed for volume ${JSON.stringify(volume.name)} : ${err.message}`);
      }
    }
  }

  private async setUpOne(pod: Pod, volume: Volume, addresses: PodAddresses): Promise<void> {
    if (volume.hostPath) return checkHostPath(volume.hostPath.path, volume.hostPath.type);
    const dir = this.dir(pod, volume.name);
    if (volume.emptyDir) {
      await mkdir(dir, { recursive: true });
      if (volume.emptyDir.medium === 'Memory') {
        const limit = volume.emptyDir.sizeLimit;
        await this.tmpfs(dir, EMPTY_DIR_MODE, limit === undefined ? undefined : Number(parseQuantity(limit).milli / 1000n));
      }
      await chmod(dir, EMPTY_DIR_MODE);
      return;
    }
    const payload = await volumePayload({ pod, config: this.config, addresses, allocatable: this.allocatable }, volume);
    if (!payload) {
      const source = Object.keys(volume).find((k) => k !== 'name') ?? 'unknown';
      throw new VolumeError(`${source} volumes are not supported on this node`);
    }
    await mkdir(dir, { recursive: true, mode: 0o755 });
    if (volume.secret || volume.projected) await this.tmpfs(dir, 0o755);
    await this.writer.write(dir, payload);
  }

  private async tmpfs(dir: string, mode: number, sizeBytes?: number): Promise<void> {
    if (this.mounted.has(dir)) return;
    await ensureTmpfs(dir, mode, sizeBytes);
    this.mounted.add(dir);
  }

  /**
   * Bind mounts for the container's volumeMounts; configMap, secret, downwardAPI and projected ones are always
   * read-only. `env` is the container's resolved environment, which subPathExpr expands against.
   */
  async containerMounts(pod: Pod, spec: Container, env: ReadonlyMap<string, string> = new Map()): Promise<ContainerMount[]> {
    const mounts: ContainerMount[] = [];
    for (const [i, m] of (spec.volumeMounts ?? []).entries()) {
      const volume = pod.spec.volumes?.find((v) => v.name === m.name);
      if (!volume) throw new VolumeError(`volumeMount ${m.name}: the pod has no such volume`);
      const base = volume.hostPath?.path ?? this.dir(pod, volume.name);
      const filesOnly = !volume.hostPath && !volume.emptyDir;
      const subPath = m.subPathExpr ? expandSubPath(m.subPathExpr, env, i) : m.subPath;
      const hostPath = subPath ? await this.subPath(base, subPath, !filesOnly) : base;
      mounts.push({ hostPath, containerPath: m.mountPath, readOnly: m.readOnly === true || filesOnly });
    }
    return mounts;
  }

  /**
   * The subPath's real location now: a file of the current generation for written volumes, so it is not
   * updated later (as with the kubelet). Walked one component at a time from the volume's real root: a
   * symlink (which a container may have planted) is resolved and must stay inside the volume before
   * anything is looked up or created below it, and missing directories are created one level at a time
   * (writable volumes only), so nothing is ever created outside the volume.
   */
  private async subPath(base: string, subPath: string, create: boolean): Promise<string> {
    const realBase = await realpath(base);
    let cur = realBase;
    for (const part of subPath.split('/').filter((p) => p !== '' && p !== '.')) {
      if (part === '..') throw new VolumeError(`subPath ${subPath} must not contain '..'`);
      const next = join(cur, part);
      const info = await lstat(next).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      if (!info) {
        if (!create) throw new VolumeError(`subPath ${subPath} does not exist in the volume`);
        await mkdir(next, { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
        });
        // Created (or raced into existence): look again, so a symlink put there meanwhile is still checked.
        if (!(await lstat(next)).isSymbolicLink()) {
          cur = next;
          continue;
        }
      }
      const real = await realpath(next).catch(() => {
        throw new VolumeError(`subPath ${subPath} is a dangling symlink`);
      });
      if (!inside(realBase, real)) throw new VolumeError(`subPath ${subPath} leads out of its volume`);
      cur = real;
    }
    return cur;
  }

  /** Pod uids that have volume directories here (to find those of pods deleted while the agent was down). */
  async podUids(): Promise<string[]> {
    return readdir(this.root).catch(() => []);
  }

  /** Unmounts and deletes all of the pod's volume directories (hostPath ones are the host's and stay). */
  async remove(uid: string): Promise<void> {
    const dir = join(this.root, uid);
    await unmountUnder(dir);
    await rm(dir, { recursive: true, force: true });
    this.writer.forget(`${dir}/`);
    for (const d of this.mounted) if (d.startsWith(`${dir}/`)) this.mounted.delete(d);
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel));
}

/** subPathExpr expanded as the kubelet does: `$(VAR)` from the container's env; the result must be a relative path without `..`. */
function expandSubPath(expr: string, env: ReadonlyMap<string, string>, i: number): string {
  const path = expand(expr, (name) => env.get(name));
  const field = `volumeMounts[${i}].subPathExpr`;
  if (isAbsolute(path)) throw new VolumeError(`${field}: ${JSON.stringify(expr)} expands to the absolute path ${JSON.stringify(path)}; it must be relative`);
  if (path.split('/').includes('..')) throw new VolumeError(`${field}: ${JSON.stringify(expr)} expands to ${JSON.stringify(path)}, which must not contain '..'`);
  return path;
}
