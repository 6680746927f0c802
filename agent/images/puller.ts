import { chainId } from './digest.js';
import type { ContentStore, LayerToApply } from './content-store.js';
import type { FetchedManifest, RepositoryClient } from './distribution-client.js';
import { parseImageConfig, parseManifest, selectPlatform, type ContainerConfig, type Platform } from './manifest.js';
import { digestReference, type ImageReference } from './reference.js';

/** What one pull put into the content store, ready to be recorded as an image. */
export interface PulledContent {
  /** Config digest. */
  id: string;
  /** `registry/repo@digest` for the top-level document and, behind an index, the platform manifest. */
  digestNames: string[];
  manifestDigest: string;
  blobs: string[];
  layers: LayerToApply[];
  chainId: string;
  config: ContainerConfig;
  compressedBytes: number;
  rootfsPath: string;
}

const PARALLEL_LAYER_DOWNLOADS = 3;

async function inParallel<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Walks image index → platform manifest → config + layers, storing each verified blob (blobs already in
 * the store are not fetched again), then unpacks the layer stack. `top` is the already fetched manifest
 * or index the reference resolved to.
 */
export async function pullContent(repo: RepositoryClient, ref: ImageReference, top: FetchedManifest, store: ContentStore, platform: Platform): Promise<PulledContent> {
  const digestNames = [digestReference(ref, top.digest)];
  const blobs: string[] = [];
  let manifest = top;
  let doc = parseManifest(top.body, top.mediaType);
  if (doc.kind === 'index') {
    await store.putBlob(top.digest, top.body);
    blobs.push(top.digest);
    manifest = await repo.getManifest(selectPlatform(doc.index, platform).digest);
    doc = parseManifest(manifest.body, manifest.mediaType);
    if (doc.kind !== 'manifest') throw new Error(`index ${top.digest} points at another index; nested indexes are not supported`);
    digestNames.push(digestReference(ref, manifest.digest));
  }
  const { config: configDescriptor, layers } = doc.manifest;
  await store.putBlob(manifest.digest, manifest.body);
  await store.ensureBlob(configDescriptor.digest, configDescriptor.size, () => repo.fetchBlob(configDescriptor.digest));
  const config = parseImageConfig(await store.readBlob(configDescriptor.digest));
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== layers.length) {
    throw new Error(`image config lists ${diffIds.length} layers (rootfs.diff_ids) but the manifest has ${layers.length}`);
  }
  await inParallel(layers, PARALLEL_LAYER_DOWNLOADS, (layer) => store.ensureBlob(layer.digest, layer.size, () => repo.fetchBlob(layer.digest)));
  const toApply = layers.map((layer, i) => ({ digest: layer.digest, mediaType: layer.mediaType, diffId: diffIds[i] }));
  const chain = chainId(diffIds);
  const rootfsPath = await store.ensureRootfs(chain, toApply);
  blobs.push(manifest.digest, configDescriptor.digest, ...layers.map((l) => l.digest));
  return {
    id: configDescriptor.digest,
    digestNames,
    manifestDigest: manifest.digest,
    blobs,
    layers: toApply,
    chainId: chain,
    config: config.config ?? {},
    compressedBytes: [configDescriptor, ...layers].reduce((sum, d) => sum + d.size, 0) + manifest.body.length,
    rootfsPath,
  };
}
