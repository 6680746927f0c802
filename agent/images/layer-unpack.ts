import { lstat, readdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { DigestMismatchError } from './digest.js';
import { entryPath, extractEntry } from './layer-extract.js';
import { readLayer } from './layer-reader.js';
import { resolveInRoot } from './root-path.js';

/**
 * Applying one image layer (a tar changeset) on top of the layers below it, in a plain directory:
 * `.wh.NAME` deletes NAME from lower layers, `.wh..wh..opq` hides everything lower layers put in its
 * directory. Whiteouts only ever affect lower layers, so they are applied before this layer's own files
 * are written (a layer may both make a directory opaque and fill it).
 */

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

export type Whiteout = { kind: 'delete'; path: string } | { kind: 'opaque'; dir: string };

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

/** Applies whiteouts to the lower layers already in `root`. */
export async function applyWhiteouts(root: string, whiteouts: readonly Whiteout[]): Promise<void> {
  for (const w of whiteouts) {
    if (w.kind === 'delete') {
      await rm(await resolveInRoot(root, w.path), { recursive: true, force: true });
      continue;
    }
    const dir = await resolveInRoot(root, w.dir, true);
    if (!(await lstat(dir).catch(() => undefined))?.isDirectory()) continue;
    for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Applies the stored layer at `layerPath` onto `root`: a first read verifies it against `diffId` and
 * collects its whiteouts (nothing is written if it does not match), whiteouts are applied, then a second
 * read extracts its files.
 */
export async function applyLayer(root: string, layerPath: string, mediaType: string, diffId: string): Promise<void> {
  const whiteouts: Whiteout[] = [];
  const actual = await readLayer(layerPath, mediaType, async (entry) => {
    const w = whiteoutOf(entry.path);
    if (w) whiteouts.push(w);
    entry.resume();
  });
  if (actual !== diffId) throw new DigestMismatchError(`uncompressed layer ${layerPath}`, diffId, actual);
  await applyWhiteouts(root, whiteouts);
  await readLayer(layerPath, mediaType, async (entry) => {
    if (whiteoutOf(entry.path)) entry.resume();
    else await extractEntry(root, entry);
  });
}
