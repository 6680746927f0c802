import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostPathType } from '../../api/types/core.js';
import { checkHostPath } from './host-path.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'host-path-'));
  await writeFile(join(dir, 'file'), 'x');
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('checkHostPath', () => {
  it.each([
    ['', 'missing'], ['Directory', '.'], ['DirectoryOrCreate', '.'], ['File', 'file'], ['FileOrCreate', 'file'], ['CharDevice', '/dev/null'],
  ] as [HostPathType, string][])('%s accepts %s', async (type, path) => {
    await expect(checkHostPath(path.startsWith('/') ? path : join(dir, path), type)).resolves.toBeUndefined();
  });

  it.each([
    ['Directory', 'file', 'is not a directory'], ['Directory', 'missing', 'is not a directory'], ['File', '.', 'is not a file'],
    ['FileOrCreate', '.', 'is not a file'], ['DirectoryOrCreate', 'file', 'is not a directory'], ['Socket', 'file', 'is not a socket file'],
    ['BlockDevice', '/dev/null', 'is not a block device'],
  ] as [HostPathType, string, string][])('%s rejects %s', async (type, path, message) => {
    await expect(checkHostPath(path.startsWith('/') ? path : join(dir, path), type)).rejects.toThrow(`hostPath type check failed: ${path.startsWith('/') ? path : join(dir, path)} ${message}`);
  });

  it('creates what the *OrCreate types name', async () => {
    await checkHostPath(join(dir, 'new/dir'), 'DirectoryOrCreate');
    expect((await stat(join(dir, 'new/dir'))).isDirectory()).toBe(true);
    await checkHostPath(join(dir, 'other/file'), 'FileOrCreate');
    expect((await stat(join(dir, 'other/file'))).isFile()).toBe(true);
  });
});
