import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestVerifier, digestHex, verifyDigest } from './digest.js';
import { applyLayer } from './layer-unpack.js';

/**
 * The agent's content-addressed image cache, shared by every pod on the node:
 *   blobs/sha256/<hex>   manifests, configs and compressed layers, verified before they are committed
 *   rootfs/<chain hex>/  one unpacked filesystem per distinct layer stack (read-only for users)
 *   tmp/                 in-progress writes; anything here after a crash is garbage
 * Every write lands in tmp/ and is renamed into place, so a crash never leaves a partial blob or rootfs
 * under its final name. Concurrent requests for the same blob or rootfs share one download/unpack.
 * One process (the agent) owns a store: init() discards tmp/.
 */

export interface LayerToApply {
  digest: string;
  mediaType: string;
  diffId: string;
}

export class ContentStore {
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(readonly root: string) {}

  async init(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
    for (const dir of [join(this.root, 'blobs', 'sha256'), join(this.root, 'rootfs'), this.tmpDir]) await mkdir(dir, { recursive: true });
  }

  blobPath(digest: string): string {
    return join(this.root, 'blobs', 'sha256', digestHex(digest));
  }

  rootfsPath(chain: string): string {
    return join(this.root, 'rootfs', digestHex(chain));
  }

  async hasBlob(digest: string): Promise<boolean> {
    return exists(this.blobPath(digest));
  }

  readBlob(digest: string): Promise<Buffer> {
    return readFile(this.blobPath(digest));
  }

  /** Stores a small blob already in memory (manifests, configs) after checking its digest. */
  async putBlob(digest: string, data: Buffer): Promise<void> {
    verifyDigest(`blob ${digest}`, data, digest);
    if (await this.hasBlob(digest)) return;
    const tmp = this.tmpPath();
    await writeFile(tmp, data);
    await rename(tmp, this.blobPath(digest));
  }

  /**
   * Ensures blob `digest` is stored, downloading it with `open` if it is not. The stream is verified
   * against `digest` (and `size`) while it is written; on mismatch nothing is committed and the
   * DigestMismatchError is thrown.
   */
  ensureBlob(digest: string, size: number, open: () => Promise<Readable>): Promise<void> {
    return this.once(`blob:${digest}`, async () => {
      if (await this.hasBlob(digest)) return;
      const tmp = this.tmpPath();
      try {
        await pipeline(await open(), new DigestVerifier(`blob ${digest}`, digest, size), createWriteStream(tmp));
        await rename(tmp, this.blobPath(digest));
      } finally {
        await rm(tmp, { force: true });
      }
    });
  }

  /** Ensures the rootfs of layer stack `chain` is unpacked from stored blobs; returns its path. */
  async ensureRootfs(chain: string, layers: readonly LayerToApply[]): Promise<string> {
    const target = this.rootfsPath(chain);
    await this.once(`rootfs:${chain}`, async () => {
      if (await exists(target)) return;
      const tmp = this.tmpPath();
      try {
        await mkdir(tmp, { mode: 0o755 });
        for (const layer of layers) await applyLayer(tmp, this.blobPath(layer.digest), layer.mediaType, layer.diffId);
        await rename(tmp, target);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });
    return target;
  }

  /** Removes a blob; returns the bytes it occupied on disk (0 if it was not there). */
  async removeBlob(digest: string): Promise<number> {
    return removeMeasured(this.blobPath(digest));
  }

  /** Removes an unpacked rootfs; returns the bytes it occupied on disk. */
  async removeRootfs(chain: string): Promise<number> {
    return removeMeasured(this.rootfsPath(chain));
  }

  /** Digests of every stored blob. */
  async listBlobs(): Promise<string[]> {
    return (await readdir(join(this.root, 'blobs', 'sha256'))).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  /** Chain IDs of every unpacked rootfs. */
  async listRootfs(): Promise<string[]> {
    return (await readdir(join(this.root, 'rootfs'))).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  /** Bytes on disk under `path` (allocated blocks, as `du` counts). */
  diskUsage(path: string): Promise<number> {
    return diskUsage(path);
  }

  private get tmpDir(): string {
    return join(this.root, 'tmp');
  }

  private tmpPath(): string {
    return join(this.tmpDir, randomBytes(8).toString('hex'));
  }

  /** Single flight: concurrent callers for one key share the running operation. */
  private once(key: string, run: () => Promise<void>): Promise<void> {
    const running = this.inflight.get(key);
    if (running) return running;
    const promise = run().finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Allocated bytes under `path`, counting each hard-linked inode once. */
async function diskUsage(path: string, seen = new Set<number>()): Promise<number> {
  const st = await lstat(path).catch(() => undefined);
  if (!st || seen.has(st.ino)) return 0;
  seen.add(st.ino);
  let total = st.blocks * 512;
  if (st.isDirectory()) for (const name of await readdir(path)) total += await diskUsage(join(path, name), seen);
  return total;
}

async function removeMeasured(path: string): Promise<number> {
  const bytes = await diskUsage(path);
  await rm(path, { recursive: true, force: true });
  return bytes;
}
