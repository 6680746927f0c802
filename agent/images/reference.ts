/**
 * Image references as users write them in pod specs (`busybox`, `registry:5000/team/app:1.2@sha256:…`),
 * parsed and normalised the way Docker and Kubernetes do: a first path component that does not look like a
 * host (no `.` or `:` and not `localhost`) means Docker Hub, and a single-component Hub name gets `library/`.
 */

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

export interface ImageReference {
  /** Registry host with optional port, e.g. `docker.io`, `127.0.0.1:5000`. */
  registry: string;
  /** Repository path inside the registry, e.g. `library/busybox`. */
  repository: string;
  /** Tag; `latest` when the reference names neither a tag nor a digest. */
  tag?: string;
  /** Content digest (`sha256:<hex>`); when present it, not the tag, selects the manifest. */
  digest?: string;
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export class InvalidReferenceError extends Error {
  constructor(readonly reference: string, reason: string) {
    super(`invalid image reference "${reference}": ${reason}`);
    this.name = 'InvalidReferenceError';
  }
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_NAME_LENGTH = 255;

function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component.startsWith('[');
}

/** Parses and normalises `image`; throws InvalidReferenceError naming what is wrong. */
export function parseReference(image: string): ImageReference {
  const fail = (reason: string): never => { throw new InvalidReferenceError(image, reason); };
  if (!image) fail('empty reference');
  if (image !== image.trim()) fail('contains whitespace');
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`digest "${digest}" is not sha256:<64 lowercase hex digits>`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && looksLikeHost(parts[0])) {
    registry = parts.shift() as string;
    if (!HOST.test(registry)) fail(`registry host "${registry}" is not a valid host[:port]`);
  }
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  for (const part of parts) {
    if (part !== part.toLowerCase() && COMPONENT.test(part.toLowerCase())) fail('repository name must be lowercase');
    if (!COMPONENT.test(part)) fail(`repository path component "${part}" must be lowercase letters, digits and single separators (. _ __ -)`);
  }
  const repository = parts.join('/');
  if (registry.length + 1 + repository.length > MAX_NAME_LENGTH) fail(`name longer than ${MAX_NAME_LENGTH} characters`);
  return { registry, repository, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

/** The canonical string form: `registry/repository[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** `registry/repository@digest`: the name under which content is known regardless of tags. */
export function digestReference(ref: Pick<ImageReference, 'registry' | 'repository'>, digest: string): string {
  return `${ref.registry}/${ref.repository}@${digest}`;
}

/** The host serving the distribution API for `registry` (Docker Hub's API lives on another name). */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

/** Kubernetes' default: `Always` for `:latest` or an untagged name, otherwise `IfNotPresent`. */
export function defaultPullPolicy(image: string): PullPolicy {
  const ref = parseReference(image);
  return !ref.digest && ref.tag === 'latest' ? 'Always' : 'IfNotPresent';
}
