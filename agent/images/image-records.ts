import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LayerToApply } from './content-store.js';
import type { ContainerConfig } from './manifest.js';

/** What the cache knows about one pulled image; persisted so a restarted agent keeps its images. */
export interface ImageRecord {
  /** The config digest: Kubernetes' imageID. */
  id: string;
  /** Names that resolve to this image: `registry/repo:tag` and `registry/repo@digest` (index and manifest). */
  names: string[];
  manifestDigest: string;
  /** Every blob the image needs kept: index, manifest, config, layers. */
  blobs: string[];
  /** The layers, bottom first, enough to unpack the rootfs again from stored blobs. */
  layers: LayerToApply[];
  /** Chain ID of the layer stack; names the unpacked rootfs. */
  chainId: string;
  config: ContainerConfig;
  /** Compressed blobs plus the unpacked rootfs, in bytes. */
  sizeBytes: number;
  /** Last time a pod asked for it (ms since epoch): garbage collection removes the least recent first. */
  lastUsed: number;
}

interface RecordsFile {
  version: 1;
  images: ImageRecord[];
}

/**
 * The name → image index, kept in memory and written atomically (temp file + rename) after each change.
 * A name belongs to one image at a time: re-pointing a tag takes it from the image that had it.
 */
export class ImageRecords {
  private images = new Map<string, ImageRecord>();
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async load(): Promise<void> {
    const text = await readFile(this.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    const parsed = text ? (JSON.parse(text) as RecordsFile) : undefined;
    this.images = new Map((parsed?.images ?? []).map((r) => [r.id, r]));
  }

  byId(id: string): ImageRecord | undefined {
    return this.images.get(id);
  }

  byName(name: string): ImageRecord | undefined {
    for (const record of this.images.values()) if (record.names.includes(name)) return record;
    return undefined;
  }

  all(): ImageRecord[] {
    return [...this.images.values()];
  }

  /**
   * Adds or updates `record`, merging its names and blobs into what that image already had (one config
   * can arrive through several manifests, e.g. OCI and Docker forms of one image).
   */
  put(record: ImageRecord): Promise<void> {
    const existing = this.images.get(record.id);
    const names = new Set([...(existing?.names ?? []), ...record.names]);
    for (const other of this.images.values()) {
      if (other.id !== record.id) other.names = other.names.filter((n) => !names.has(n));
    }
    const blobs = new Set([...(existing?.blobs ?? []), ...record.blobs]);
    this.images.set(record.id, { ...record, names: [...names], blobs: [...blobs] });
    return this.save();
  }

  /** Gives `name` to image `id` and marks it used now. */
  use(id: string, name: string, now: number): Promise<void> {
    const record = this.images.get(id);
    if (!record) throw new Error(`image ${id} is not in the cache`);
    return this.put({ ...record, names: [name], lastUsed: now });
  }

  remove(id: string): Promise<void> {
    this.images.delete(id);
    return this.save();
  }

  /** Writes are serialised, so the file always holds a complete, recent state. */
  private save(): Promise<void> {
    const snapshot: RecordsFile = { version: 1, images: this.all() };
    this.saving = this.saving.catch(() => undefined).then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      await writeFile(tmp, JSON.stringify(snapshot));
      await rename(tmp, this.file);
    });
    return this.saving;
  }
}
