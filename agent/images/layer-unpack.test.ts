import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer, type LayerEntry } from './oci-image-builder.js';
import { DigestMismatchError } from './digest.js';
import { applyLayer, whiteoutOf } from './layer-unpack.js';
import { MediaTypes } from './manifest.js';

let dir: string;
let n = 0;

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), `cairn-test-${process.pid}-unpack-`)); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function newRoot(): Promise<string> {
  const root = join(dir, `root-${n++}`);
  await mkdir(root);
  return root;
}

/** Applies layers built from `entries`, bottom first, onto `root`. */
async function apply(root: string, ...layers: LayerEntry[][]): Promise<void> {
  for (const entries of layers) {
    const layer = buildLayer(entries);
    const file = join(dir, `layer-${n++}`);
    await writeFile(file, layer.blob);
    await applyLayer(root, file, MediaTypes.ociLayerGzip, layer.diffId);
  }
}

const file = (path: string, content = path, mode?: number): LayerEntry => ({ path, type: 'file', content, mode });
const folder = (path: string, mode?: number): LayerEntry => ({ path, type: 'dir', mode });

describe('whiteoutOf', () => {
  it.each([
    ['etc/.wh.motd', { kind: 'delete', path: 'etc/motd' }],
    ['./.wh.top', { kind: 'delete', path: 'top' }],
    ['data/.wh..wh..opq', { kind: 'opaque', dir: 'data' }],
    ['.wh..wh..opq', { kind: 'opaque', dir: '' }],
    ['etc/motd', undefined],
    ['etc/.wh.', undefined],
    ['etc/x.wh.y', undefined],
  ])('%s', (path, expected) => {
    expect(whiteoutOf(path)).toEqual(expected);
  });
});

describe('applyLayer', () => {
  it('honours whiteouts: deleted files and directories, opaque directories refilled by the same layer', async () => {
    const root = await newRoot();
    await apply(root,
      [folder('etc'), file('etc/motd'), file('etc/hostname'), folder('data'), file('data/a'), folder('data/sub'), file('data/sub/b'), folder('gone'), file('gone/x')],
      [file('etc/.wh.motd', ''), file('data/.wh..wh..opq', ''), file('data/c'), file('.wh.gone', ''), file('etc/.wh.never-existed', '')],
    );
    expect(existsSync(join(root, 'etc/motd'))).toBe(false);
    expect(await readFile(join(root, 'etc/hostname'), 'utf8')).toBe('etc/hostname');
    expect((await readdir(join(root, 'data'))).sort()).toEqual(['c']);
    expect(existsSync(join(root, 'gone'))).toBe(false);
    expect((await readdir(root)).sort()).toEqual(['data', 'etc']);
  });

  it('a later layer replaces files, re-creates what was whited out, and keeps modes, owners and links exact', async () => {
    const root = await newRoot();
    await apply(root,
      [folder('bin'), file('bin/tool', 'v1', 0o755), folder('tmp', 0o1777), file('bin/suid', 's', 0o4755), { path: 'bin/alias', type: 'symlink', target: 'tool' }],
      [file('bin/tool', 'v2', 0o700), { path: 'bin/hard', type: 'hardlink', target: 'bin/tool' }, file('bin/.wh.alias', ''), { path: 'bin/alias', type: 'symlink', target: '/bin/suid' }],
    );
    expect(await readFile(join(root, 'bin/tool'), 'utf8')).toBe('v2');
    expect((await lstat(join(root, 'bin/tool'))).mode & 0o7777).toBe(0o700);
    expect((await lstat(join(root, 'bin/suid'))).mode & 0o7777).toBe(0o4755);
    expect((await lstat(join(root, 'tmp'))).mode & 0o7777).toBe(0o1777);
    expect((await lstat(join(root, 'bin/hard'))).ino).toBe((await lstat(join(root, 'bin/tool'))).ino);
    expect(await readlink(join(root, 'bin/alias'))).toBe('/bin/suid');
    expect((await lstat(join(root, 'bin/tool'))).mtimeMs).toBe(0);
  });

  it('never writes or deletes outside the root through symlinks a layer planted', async () => {
    const outside = join(dir, `outside-${n++}`);
    await mkdir(outside);
    await writeFile(join(outside, 'sentinel'), 'keep me');
    const root = await newRoot();
    await apply(root,
      [{ path: 'escape', type: 'symlink', target: outside }, { path: 'up', type: 'symlink', target: '../../../../../..' }],
      [file(`escape/.wh.sentinel`, ''), file('escape/planted'), file('up/planted-too'), file('../../../dotdot')],
    );
    expect(await readFile(join(outside, 'sentinel'), 'utf8')).toBe('keep me');
    expect(existsSync(join(outside, 'planted'))).toBe(false);
    // Inside the container the absolute link points at <root><outside>, and `..` stops at the root.
    expect(existsSync(join(root, outside, 'planted'))).toBe(true);
    expect(existsSync(join(root, 'planted-too'))).toBe(true);
    expect(existsSync(join(root, 'dotdot'))).toBe(true);
  });

  it('refuses a layer whose content does not match its diff_id, before writing anything', async () => {
    const root = await newRoot();
    const layer = buildLayer([file('a')]);
    const other = buildLayer([file('b')]);
    const path = join(dir, `layer-${n++}`);
    await writeFile(path, layer.blob);
    const applying = applyLayer(root, path, MediaTypes.ociLayerGzip, other.diffId);
    await expect(applying).rejects.toThrow(DigestMismatchError);
    await expect(applying).rejects.toThrow(`expected ${other.diffId}, got ${layer.diffId}`);
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses a truncated layer and an unknown media type', async () => {
    const root = await newRoot();
    const layer = buildLayer([file('a', 'x'.repeat(10_000))]);
    const path = join(dir, `layer-${n++}`);
    await writeFile(path, layer.blob.subarray(0, layer.blob.length - 200));
    await expect(applyLayer(root, path, MediaTypes.ociLayerGzip, layer.diffId)).rejects.toThrow();
    await expect(applyLayer(root, path, 'application/vnd.oci.image.layer.v1.tar+zstd', layer.diffId)).rejects.toThrow('unsupported layer media type');
  });
});
