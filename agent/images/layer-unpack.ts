import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, extract, type ReadEntry } from 'tar';
import { DigestMismatchError } from './digest.js';

/**
 * Applying one image layer (a tar changeset) on top of the layers below it, in a plain directory:
 * `.wh.NAME` deletes NAME from lower layers, `.wh..wh..opq` hides everything lower layers put in its
 * directory. Whiteouts only ever affect lower layers, so they are applied before this layer's own files
 * are written (a layer may both make a directory opaque and fill it).
 */

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

export type Whiteout = { kind: 'delete'; path: string } | { kind: 'opaque'; dir: string };

/** Normalises a tar entry path to a root-relative path; undefined for the root itself or paths escaping it. */
export function entryPath(raw: string): string | undefined {
  const normal = posix.normalize(`/${raw}`).slice(1).replace(/\/$/, '');
  if (!normal || normal === '.' || normal.split('/').includes('..')) return undefined;
  return normal;
}

/** What a layer entry whites out, if it is a whiteout marker. */
export function whiteoutOf(raw: string): Whiteout | undefined {
  const path = entryPath(raw);
  if (!path) return undefined;
  const base = posix.basename(path);
  const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
  if (base === OPAQUE) return { kind: 'opaque', dir };
  if (base.startsWith(WHITEOUT_PREFIX) && base.length > WHITEOUT_PREFIX.length) {
    return { kind: 'delete', path: posix.join(dir, base.slice(WHITEOUT_PREFIX.length)) };
  }
  return undefined;
}

/**
 * `root/rel` if every directory on the way is a real directory (not a symlink), else undefined: a
 * whiteout must never reach outside the rootfs through a link a lower layer planted.
 */
async function resolveInside(root: string, rel: string): Promise<string | undefined> {
  let dir = root;
  const parts = rel ? rel.split('/') : [];
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part);
    const stat = await lstat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) return undefined;
  }
  return parts.length ? join(dir, parts[parts.length - 1]) : root;
}

/** Applies whiteouts to the lower layers already in `root`. */
export async function applyWhiteouts(root: string, whiteouts: readonly Whiteout[]): Promise<void> {
  for (const w of whiteouts) {
    const target = await resolveInside(root, w.kind === 'delete' ? w.path : w.dir);
    if (!target) continue;
    if (w.kind === 'delete') {
      await rm(target, { recursive: true, force: true });
      continue;
    }
    const stat = await lstat(target).catch(() => undefined);
    if (!stat?.isDirectory()) continue;
    for (const name of await readdir(target)) await rm(join(target, name), { recursive: true, force: true });
  }
}

const LAYER_MEDIA_TYPE = /^application\/vnd\.(?:oci\.image\.layer(?:\.nondistributable)?\.v1\.tar(?:\+gzip)?|docker\.image\.rootfs(?:\.foreign)?\.diff\.tar(?:\.gzip)?)$/;

function isGzip(mediaType: string): boolean {
  if (!LAYER_MEDIA_TYPE.test(mediaType)) throw new Error(`unsupported layer media type "${mediaType}" (supported: tar, tar+gzip)`);
  return /[+.]gzip$/.test(mediaType);
}

/**
 * Reads the layer once: hashes the uncompressed stream (the config's diff_id) and collects whiteouts.
 * Nothing is written, so a layer that does not match its diff_id never touches the rootfs.
 */
async function scanLayer(layerPath: string, mediaType: string): Promise<{ diffId: string; whiteouts: Whiteout[] }> {
  const hash = createHash('sha256');
  const whiteouts: Whiteout[] = [];
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const w = whiteoutOf(entry.path);
      if (w) whiteouts.push(w);
      entry.resume();
    },
  });
  const parsed = once(parser, 'end');
  const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      hash.update(chunk);
      if (!parser.write(chunk)) await once(parser, 'drain');
    }
    parser.end();
  };
  if (isGzip(mediaType)) await pipeline(createReadStream(layerPath), createGunzip(), consume);
  else await pipeline(createReadStream(layerPath), consume);
  await parsed;
  return { diffId: `sha256:${hash.digest('hex')}`, whiteouts };
}

/** tar warnings that do not make a rootfs unusable: device nodes and other special files are skipped. */
const TOLERATED_WARNINGS = new Set(['TAR_ENTRY_UNSUPPORTED']);

/**
 * Applies the layer at `layerPath` onto `root`: verifies it against `diffId`, applies its whiteouts, then
 * extracts its files with their modes and (as root) owners. Paths escaping the root, or writing through a
 * symlink, fail the layer instead of being skipped silently.
 */
export async function applyLayer(root: string, layerPath: string, mediaType: string, diffId: string): Promise<void> {
  const scanned = await scanLayer(layerPath, mediaType);
  if (scanned.diffId !== diffId) throw new DigestMismatchError(`uncompressed layer ${layerPath}`, diffId, scanned.diffId);
  await applyWhiteouts(root, scanned.whiteouts);
  const problems: string[] = [];
  await extract({
    file: layerPath,
    cwd: root,
    unlink: true,
    chmod: true,
    processUmask: 0,
    maxDepth: Infinity,
    filter: (path) => !whiteoutOf(path),
    onwarn: (code, message) => { if (!TOLERATED_WARNINGS.has(code)) problems.push(`${code}: ${message}`); },
  });
  if (problems.length) throw new Error(`layer ${diffId} did not unpack cleanly: ${problems.slice(0, 3).join('; ')}`);
}
