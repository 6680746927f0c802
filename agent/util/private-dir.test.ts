import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateDir } from './private-dir.js';

let root: string;
beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'private-dir-')); });
afterEach(async () => { await rm(root, { recursive: true, force: true }); });

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('privateDir', () => {
  it('creates the directory 0700 and tightens an existing one', async () => {
    await privateDir(join(root, 'new/deep'));
    expect(await modeOf(join(root, 'new/deep'))).toBe(0o700);
    await mkdir(join(root, 'old'), { mode: 0o755 });
    await privateDir(join(root, 'old'));
    expect(await modeOf(join(root, 'old'))).toBe(0o700);
  });
});
