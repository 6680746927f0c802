/** The OCI image-spec and Docker schema-2 documents a pull walks through, and choosing a platform in an index. */

export const MediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** Everything a pull accepts for a manifest request, most preferred first. */
export const MANIFEST_ACCEPT = [MediaTypes.ociIndex, MediaTypes.ociManifest, MediaTypes.dockerList, MediaTypes.dockerManifest];

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

/** The parts of an image configuration a container runtime needs. */
export interface ContainerConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
}

export interface ImageConfig {
  architecture: string;
  os: string;
  config?: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
}

export type ManifestDocument = { kind: 'index'; index: ImageIndex } | { kind: 'manifest'; manifest: ImageManifest };

function isDescriptor(value: unknown): value is Descriptor {
  const d = value as Descriptor;
  return typeof d === 'object' && d !== null && typeof d.mediaType === 'string' && typeof d.digest === 'string' && typeof d.size === 'number';
}

/** Parses a manifest body, classifying it by its declared media type (header, else body field, else shape). */
export function parseManifest(body: Buffer, contentType?: string): ManifestDocument {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Error('manifest is not valid JSON');
  }
  if (doc.schemaVersion !== 2) throw new Error(`unsupported manifest schemaVersion ${String(doc.schemaVersion)} (only schema 2 / OCI is supported)`);
  const type = (typeof doc.mediaType === 'string' ? doc.mediaType : undefined) ?? contentType?.split(';')[0].trim();
  const isIndex = type === MediaTypes.ociIndex || type === MediaTypes.dockerList || (Array.isArray(doc.manifests) && !doc.config);
  if (isIndex) {
    if (!Array.isArray(doc.manifests) || !doc.manifests.every(isDescriptor)) throw new Error('image index has malformed "manifests"');
    return { kind: 'index', index: doc as unknown as ImageIndex };
  }
  if (type && type !== MediaTypes.ociManifest && type !== MediaTypes.dockerManifest && type !== 'application/json') {
    throw new Error(`unsupported manifest media type "${type}"`);
  }
  if (!isDescriptor(doc.config) || !Array.isArray(doc.layers) || !doc.layers.every(isDescriptor)) {
    throw new Error('image manifest has malformed "config" or "layers"');
  }
  return { kind: 'manifest', manifest: doc as unknown as ImageManifest };
}

export function parseImageConfig(body: Buffer): ImageConfig {
  const config = JSON.parse(body.toString('utf8')) as ImageConfig;
  if (config?.rootfs?.type !== 'layers' || !Array.isArray(config.rootfs.diff_ids)) {
    throw new Error('image config has no rootfs.diff_ids');
  }
  return config;
}

/** The index entry for `platform`; a variant is compared only when the wanted platform names one. */
export function selectPlatform(index: ImageIndex, platform: Platform): Descriptor {
  const match = index.manifests.find((d) => d.platform?.os === platform.os && d.platform.architecture === platform.architecture
    && (!platform.variant || d.platform.variant === platform.variant));
  if (match) return match;
  const offered = index.manifests.map((d) => d.platform ? [d.platform.os, d.platform.architecture, d.platform.variant].filter(Boolean).join('/') : 'unknown');
  const wanted = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
  throw new Error(`no matching manifest for ${wanted} in the manifest list entries (offered: ${offered.join(', ') || 'none'})`);
}

/** The platform of this process, in OCI terms. */
export function hostPlatform(): Platform {
  const architecture = ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch] ?? process.arch;
  return { os: 'linux', architecture };
}
