import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNetworkConfig, writeNodeCniConfig } from './conflist.js';

let root: string;
let dirs = 0;
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), `cairn-test-${process.pid}-conflist-`)); });
afterAll(async () => { await rm(root, { recursive: true, force: true }); });
const freshDir = async () => { const d = join(root, `d${dirs++}`); await mkdir(d); return d; };

describe('network config files', () => {
  it('writes the node list that loads back as one cairn-cni plugin on the podCIDR', async () => {
    const dir = join(root, 'written');
    const path = await writeNodeCniConfig(dir, '10.244.5.0/24', { mtu: 1450, dataDir: '/tmp/ipam' });
    expect(path).toBe(join(dir, '10-cairn.conflist'));
    expect(await readdir(dir)).toEqual(['10-cairn.conflist']);
    expect(await loadNetworkConfig(dir)).toEqual({
      cniVersion: '1.1.0', name: 'cairn',
      plugins: [{ type: 'cairn-cni', bridge: 'cairn0', mtu: 1450, ipam: { type: 'host-local', subnet: '10.244.5.0/24', dataDir: '/tmp/ipam' } }],
    });
  });

  it('refuses a podCIDR the plugin would refuse, naming the field', async () => {
    await expect(writeNodeCniConfig(await freshDir(), '10.244.5.9/24')).rejects.toThrow(/ipam\.subnet.*use 10\.244\.5\.0\/24/);
  });

  it('uses the first config file by name and wraps a single-plugin .conf', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, '20-other.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'other', plugins: [{ type: 'x' }] }));
    await writeFile(join(dir, '05-single.conf'), JSON.stringify({ cniVersion: '1.0.0', name: 'single', type: 'bridge', bridge: 'b0' }));
    await writeFile(join(dir, '01-ignored.txt'), 'not a config');
    expect(await loadNetworkConfig(dir)).toEqual({
      cniVersion: '1.0.0', name: 'single', plugins: [{ cniVersion: '1.0.0', name: 'single', type: 'bridge', bridge: 'b0' }],
    });
  });

  it('has no config in an empty or missing dir and rejects a broken file with its path', async () => {
    expect(await loadNetworkConfig(await freshDir())).toBeUndefined();
    expect(await loadNetworkConfig(join(root, 'missing'))).toBeUndefined();
    const dir = await freshDir();
    await writeFile(join(dir, '10-broken.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'n', plugins: [{}] }));
    await expect(loadNetworkConfig(dir)).rejects.toThrow(/10-broken\.conflist: plugins\[0\]\.type is missing/);
  });
});
