import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { sha256Digest } from './digest.js';
import type { DistributionClient } from './distribution-client.js';
import { MediaTypes, type ContainerConfig, type Descriptor, type Platform } from './manifest.js';
import { parseReference } from './reference.js';
import type { RegistryCredentials } from './registry-auth.js';

/**
 * Builds OCI (or Docker schema-2) images in memory and pushes them with the agent's own distribution
 * client. Layers are written deterministically (sorted as given, mtime 0, uid/gid 0), so the same inputs
 * always give the same digests.
 */

export type LayerEntry =
  | { path: string; type: 'dir'; mode?: number }
  | { path: string; type: 'file'; content: Buffer | string; mode?: number }
  | { path: string; type: 'symlink'; target: string }
  | { path: string; type: 'hardlink'; target: string };

export interface BuiltLayer {
  blob: Buffer;
  /** Digest of the compressed blob. */
  digest: string;
  /** Digest of the uncompressed tar (the config's diff_id). */
  diffId: string;
}

export interface BuiltImage {
  mediaType: string;
  manifest: Buffer;
  manifestDigest: string;
  config: Buffer;
  configDigest: string;
  layers: BuiltLayer[];
  platform: Platform;
}

export type ImageFormat = 'oci' | 'docker';

const EPOCH = new Date(0);

function header(entry: LayerEntry, size: number): Buffer {
  const base = { path: entry.path, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: EPOCH, size };
  const data = entry.type === 'dir' ? { ...base, type: 'Directory' as const, mode: entry.mode ?? 0o755 }
    : entry.type === 'file' ? { ...base, type: 'File' as const, mode: entry.mode ?? 0o644 }
    : entry.type === 'symlink' ? { ...base, type: 'SymbolicLink' as const, mode: 0o777, linkpath: entry.target }
    : { ...base, type: 'Link' as const, mode: 0o644, linkpath: entry.target };
  const h = new Header(data);
  if (h.encode()) throw new Error(`tar path too long for a ustar header: ${entry.path}`);
  return h.block as Buffer;
}

/** A gzip-compressed tar of `entries`, in the order given. */
export function buildLayer(entries: readonly LayerEntry[]): BuiltLayer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.type === 'file' ? Buffer.from(entry.content) : Buffer.alloc(0);
    blocks.push(header(entry, content.length), content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  const blob = gzipSync(tar, { level: 9 });
  return { blob, digest: sha256Digest(blob), diffId: sha256Digest(tar) };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

export function buildImage(layers: readonly BuiltLayer[], config: ContainerConfig, options: { platform?: Platform; format?: ImageFormat } = {}): BuiltImage {
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const docker = options.format === 'docker';
  const configBlob = json({
    architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}),
    created: EPOCH.toISOString(), config, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
  });
  const mediaType = docker ? MediaTypes.dockerManifest : MediaTypes.ociManifest;
  const manifest = json({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: docker ? MediaTypes.dockerConfig : MediaTypes.ociConfig, digest: sha256Digest(configBlob), size: configBlob.length },
    layers: layers.map((l) => ({ mediaType: docker ? MediaTypes.dockerLayerGzip : MediaTypes.ociLayerGzip, digest: l.digest, size: l.blob.length })),
  });
  return { mediaType, manifest, manifestDigest: sha256Digest(manifest), config: configBlob, configDigest: sha256Digest(configBlob), layers: [...layers], platform };
}

/** An OCI image index over `images`, each entry labelled with its platform. */
export function buildIndex(images: readonly BuiltImage[]): { body: Buffer; digest: string } {
  const manifests: Descriptor[] = images.map((i) => ({ mediaType: i.mediaType, digest: i.manifestDigest, size: i.manifest.length, platform: i.platform }));
  const body = json({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests });
  return { body, digest: sha256Digest(body) };
}

async function pushContent(repo: ReturnType<DistributionClient['repository']>, image: BuiltImage): Promise<void> {
  for (const layer of image.layers) await repo.pushBlob(layer.digest, layer.blob);
  await repo.pushBlob(image.configDigest, image.config);
}

/** Pushes `image` under `reference` (`host/repo:tag`); returns the manifest digest. */
export async function pushImage(client: DistributionClient, reference: string, image: BuiltImage, credentials?: RegistryCredentials): Promise<string> {
  const ref = parseReference(reference);
  const repo = client.repository(ref, credentials, true);
  await pushContent(repo, image);
  return repo.putManifest(ref.tag ?? image.manifestDigest, image.manifest, image.mediaType);
}

/** Pushes every image of a multi-platform set and an index over them under `reference`; returns the index digest. */
export async function pushIndex(client: DistributionClient, reference: string, images: readonly BuiltImage[], credentials?: RegistryCredentials): Promise<string> {
  const ref = parseReference(reference);
  const repo = client.repository(ref, credentials, true);
  for (const image of images) {
    await pushContent(repo, image);
    await repo.putManifest(image.manifestDigest, image.manifest, image.mediaType);
  }
  const index = buildIndex(images);
  return repo.putManifest(ref.tag ?? index.digest, index.body, MediaTypes.ociIndex);
}
