import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localNodeUnavailable } from '../../../cli/up/local-node.js';
import { CONMON_MISSING, conmonInstalled } from './conmon.js';
import { RuncRuntime } from './runc-runtime.js';

let dir: string;
const path = process.env.PATH;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'conmon-installed-')); });
afterEach(async () => {
  process.env.PATH = path;
  await rm(dir, { recursive: true, force: true });
});

describe('a missing conmon', () => {
  it('is found before any pod runs: the runtime does not open and the local node is unavailable', async () => {
    expect(await conmonInstalled(join(dir, 'conmon'))).toBe(false);
    await expect(RuncRuntime.open({ stateDir: join(dir, 'state'), conmon: join(dir, 'conmon') })).rejects.toThrow(CONMON_MISSING);
    process.env.PATH = dir; // runc is looked for at its Debian paths, conmon in PATH
    const why = await localNodeUnavailable();
    if (process.getuid?.() === 0) expect(why).toBe(CONMON_MISSING); // (root, with runc installed, as the runtime tests need)
    process.env.PATH = path;
    await expect(RuncRuntime.open({ stateDir: join(dir, 'state2'), conmon: 'no-such-conmon' })).rejects.toThrow(/conmon is not installed \(Debian package conmon; scripts\/setup\.sh installs it\): no-such-conmon cannot be run/);
  });
});
