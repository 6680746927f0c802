import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { ContentStore } from './content-store.js';
import { DistributionClient } from './distribution-client.js';
import { ImagePullError, ImagePullReasons } from './errors.js';
import { bytesToFree, gcCandidates, type DiskStats, type GcThresholds } from './image-gc.js';
import { ImageRecords, type ImageRecord } from './image-records.js';
import { hostPlatform, type ContainerConfig, type Platform } from './manifest.js';
import { PullBackoff, type BackoffOptions } from './pull-backoff.js';
import { pullContent } from './puller.js';
import { digestReference, formatReference, parseReference, type ImageReference, type PullPolicy } from './reference.js';
import type { RegistryCredentials } from './registry-auth.js';
import { SharedExclusiveLock } from './shared-exclusive-lock.js';

export interface ImageServiceOptions {
  /** Directory holding the node's image cache (created if missing). */
  root: string;
  client?: DistributionClient;
  /** Platform chosen from multi-platform images; default: this host's (linux/amd64 here). */
  platform?: Platform;
  backoff?: BackoffOptions;
  now?: () => number;
  /** Capacity and free space of the filesystem holding `root`; default statfs. Injectable for GC tests. */
  diskStats?: (path: string) => Promise<DiskStats>;
}

/** An image ready for a container. */
export interface LocalImage {
  /** Config digest (Kubernetes' imageID). */
  imageID: string;
  /** The normalised name it was asked for, e.g. `docker.io/library/busybox:latest`. */
  name: string;
  /** The unpacked filesystem, shared by every container of this image: use it read-only (e.g. as an overlay lowerdir). */
  rootfsPath: string;
  config: ContainerConfig;
}

export interface ImageSummary {
  id: string;
  names: string[];
  sizeBytes: number;
}

export interface GcOptions extends GcThresholds {
  /** Image IDs used by containers on this node: never removed. */
  inUse: ReadonlySet<string>;
  /**
   * Images used more recently than this are kept (default 2 min, as the kubelet): an image just handed
   * to a pod whose container does not exist yet is not in `inUse`.
   */
  minAgeMs?: number;
}

const DEFAULT_GC_MIN_AGE_MS = 120_000;

export interface GcResult {
  removed: string[];
  freedBytes: number;
  /** What the thresholds asked to free; more than freedBytes when not enough was unused. */
  neededBytes: number;
}

async function defaultDiskStats(path: string): Promise<DiskStats> {
  const fs = await statfs(path);
  return { capacityBytes: fs.blocks * fs.bsize, availableBytes: fs.bavail * fs.bsize };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The node's images: pulls by policy into one content-addressed cache, tracks pull back-off, and
 * collects unused images when the disk fills. Safe for concurrent use: pulls of one name share one
 * network operation, and collection never runs while an image is being ensured.
 */
export class ImageService {
  private readonly store: ContentStore;
  private readonly records: ImageRecords;
  private readonly client: DistributionClient;
  private readonly platform: Platform;
  private readonly backoff: PullBackoff;
  private readonly now: () => number;
  private readonly diskStats: (path: string) => Promise<DiskStats>;
  private readonly lock = new SharedExclusiveLock();
  private readonly pulling = new Map<string, Promise<LocalImage>>();

  private constructor(private readonly options: ImageServiceOptions) {
    this.store = new ContentStore(options.root);
    this.records = new ImageRecords(join(options.root, 'images.json'));
    this.client = options.client ?? new DistributionClient();
    this.platform = options.platform ?? hostPlatform();
    this.now = options.now ?? Date.now;
    this.backoff = new PullBackoff(options.backoff, this.now);
    this.diskStats = options.diskStats ?? defaultDiskStats;
  }

  static async open(options: ImageServiceOptions): Promise<ImageService> {
    const service = new ImageService(options);
    await service.store.init();
    await service.records.load();
    return service;
  }

  /**
   * Makes `image` available according to `policy`:
   * - Never: use the cached image or fail with ErrImageNeverPull;
   * - IfNotPresent: use the cached image, pull only when absent;
   * - Always: ask the registry what the reference points at now; pull only content not cached yet
   *   (a digest reference is immutable, so a cached one is used without asking).
   * Failures are ImagePullErrors: ErrImagePull (with the registry's reason), then ImagePullBackOff
   * without trying while the image's back-off lasts, or InvalidImageName.
   */
  async ensureImage(image: string, policy: PullPolicy, credentials?: RegistryCredentials): Promise<LocalImage> {
    let ref: ImageReference;
    try {
      ref = parseReference(image);
    } catch (err) {
      throw new ImagePullError(ImagePullReasons.InvalidImageName, `Failed to apply default image tag "${image}": ${message(err)}`, image, { cause: err });
    }
    const name = ref.digest ? digestReference(ref, ref.digest) : formatReference(ref);
    return this.lock.withShared(async () => {
      const cached = await this.cached(this.records.byName(name));
      if (cached && (policy !== 'Always' || ref.digest)) return this.use(cached, name);
      if (policy === 'Never') {
        throw new ImagePullError(ImagePullReasons.ErrImageNeverPull, `Container image "${image}" is not present with pull policy of Never`, image);
      }
      const key = `${name}|${credentials?.username ?? ''}`;
      const backingOff = this.backoff.current(key);
      if (backingOff) {
        throw new ImagePullError(ImagePullReasons.ImagePullBackOff, `Back-off pulling image "${image}": ${backingOff.message}`, image);
      }
      let pull = this.pulling.get(key);
      if (!pull) {
        pull = this.pull(ref, name, credentials).then(
          (pulled) => { this.backoff.succeeded(key); return pulled; },
          (err: unknown) => {
            const failure = `Failed to pull image "${image}": ${message(err)}`;
            this.backoff.failed(key, failure);
            throw new ImagePullError(ImagePullReasons.ErrImagePull, failure, image, { cause: err });
          },
        ).finally(() => this.pulling.delete(key));
        this.pulling.set(key, pull);
      }
      return pull;
    });
  }

  /** Removes least recently used images not in `inUse` until disk usage is back under the low threshold. */
  async garbageCollect(options: GcOptions): Promise<GcResult> {
    return this.lock.withExclusive(async () => {
      let freedBytes = await this.removeOrphans();
      const neededBytes = bytesToFree(await this.diskStats(this.options.root), options);
      const removed: string[] = [];
      const usedSince = this.now() - (options.minAgeMs ?? DEFAULT_GC_MIN_AGE_MS);
      const old = this.records.all().filter((r) => r.lastUsed <= usedSince);
      for (const image of gcCandidates(old, options.inUse)) {
        if (freedBytes >= neededBytes) break;
        freedBytes += await this.remove(image);
        removed.push(image.id);
      }
      return { removed, freedBytes, neededBytes };
    });
  }

  /** Bytes the cache occupies on disk, and the state of the filesystem holding it. */
  async usage(): Promise<{ images: number; bytes: number } & DiskStats> {
    return { images: this.records.all().length, bytes: await this.store.diskUsage(this.options.root), ...(await this.diskStats(this.options.root)) };
  }

  /** Cached images, for a Node's status.images. */
  list(): ImageSummary[] {
    return this.records.all().map((r) => ({ id: r.id, names: [...r.names], sizeBytes: r.sizeBytes }));
  }

  private async pull(ref: ImageReference, name: string, credentials?: RegistryCredentials): Promise<LocalImage> {
    const repo = this.client.repository(ref, credentials);
    const top = await repo.getManifest(ref.digest ?? (ref.tag as string));
    const known = await this.cached(this.records.byName(digestReference(ref, top.digest)));
    if (known) return this.use(known, name);
    const content = await pullContent(repo, ref, top, this.store, this.platform);
    const record: ImageRecord = {
      id: content.id,
      names: [name, ...content.digestNames],
      manifestDigest: content.manifestDigest,
      blobs: content.blobs,
      layers: content.layers,
      chainId: content.chainId,
      config: content.config,
      sizeBytes: content.compressedBytes + (await this.store.diskUsage(content.rootfsPath)),
      lastUsed: this.now(),
    };
    await this.records.put(record);
    return this.view(record, name);
  }

  /** `record` if its content is all still on disk (re-unpacking a rootfs removed by hand), else undefined. */
  private async cached(record: ImageRecord | undefined): Promise<ImageRecord | undefined> {
    if (!record) return undefined;
    for (const layer of record.layers) if (!(await this.store.hasBlob(layer.digest))) return undefined;
    await this.store.ensureRootfs(record.chainId, record.layers);
    return record;
  }

  private async use(record: ImageRecord, name: string): Promise<LocalImage> {
    await this.records.use(record.id, name, this.now());
    return this.view(record, name);
  }

  private view(record: ImageRecord, name: string): LocalImage {
    return { imageID: record.id, name, rootfsPath: this.store.rootfsPath(record.chainId), config: record.config };
  }

  /** Removes an image's record, then its blobs and rootfs unless another image shares them; returns bytes freed. */
  private async remove(record: ImageRecord): Promise<number> {
    await this.records.remove(record.id);
    const rest = this.records.all();
    const keptBlobs = new Set(rest.flatMap((r) => r.blobs));
    let freed = 0;
    for (const blob of record.blobs) if (!keptBlobs.has(blob)) freed += await this.store.removeBlob(blob);
    if (!rest.some((r) => r.chainId === record.chainId)) freed += await this.store.removeRootfs(record.chainId);
    return freed;
  }

  /** Blobs and rootfs no image refers to (left by failed pulls or re-tagged images); returns bytes freed. */
  private async removeOrphans(): Promise<number> {
    const images = this.records.all();
    const blobs = new Set(images.flatMap((r) => r.blobs));
    const chains = new Set(images.map((r) => r.chainId));
    let freed = 0;
    for (const blob of await this.store.listBlobs()) if (!blobs.has(blob)) freed += await this.store.removeBlob(blob);
    for (const chain of await this.store.listRootfs()) if (!chains.has(chain)) freed += await this.store.removeRootfs(chain);
    return freed;
  }
}

