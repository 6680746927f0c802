import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, readlink, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtomicWriter, type Payload } from './atomic-writer.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'atomic-writer-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const payload = (entries: Record<string, string>, mode = 0o644): Payload => new Map(Object.entries(entries).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

describe('AtomicWriter', () => {
  it('writes files through ..data links, swaps generations on change and drops removed keys', async () => {
    const writer = new AtomicWriter();
    expect(await writer.write(dir, payload({ a: '1', 'sub/b': '2' }, 0o600))).toBe(true);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('1');
    expect(await readFile(join(dir, 'sub/b'), 'utf8')).toBe('2');
    expect(await readlink(join(dir, 'a'))).toBe('..data/a');
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o600);
    const first = await realpath(join(dir, 'a'));
    expect(await writer.write(dir, payload({ a: '1', 'sub/b': '2' }, 0o600))).toBe(false);
    expect(await writer.write(dir, payload({ a: 'changed' }))).toBe(true);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('changed');
    expect(await realpath(join(dir, 'a'))).not.toBe(first);
    const entries = (await readdir(dir)).sort();
    expect(entries.filter((e) => !e.startsWith('..'))).toEqual(['a']);
    expect(entries.filter((e) => e.startsWith('..') && e !== '..data')).toHaveLength(1); // the old generation is gone
  });

  it('leaves the generation directory readable by every user (containers may run as non-root)', async () => {
    await new AtomicWriter().write(dir, payload({ 'sub/b': '2' }));
    expect((await stat(await realpath(join(dir, '..data')))).mode & 0o777).toBe(0o755);
  });
});
