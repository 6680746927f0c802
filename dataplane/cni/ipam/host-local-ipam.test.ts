import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIpv4 } from '../../../api/ipv4.js';
import { parseNetConf } from '../net-conf.js';
import { CniError, ErrorCode } from '../spec.js';
import { HostLocalIpam } from './host-local-ipam.js';

let root: string;
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), `cairn-test-${process.pid}-ipam-`)); });
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

let networks = 0;
function ipamFor(ipam: object = {}): { ipam: HostLocalIpam; dir: string } {
  const name = `net${networks++}`;
  const conf = parseNetConf(JSON.stringify({
    cniVersion: '1.0.0', name, type: 'cairn-cni',
    ipam: { type: 'host-local', subnet: '10.244.3.0/24', dataDir: root, ...ipam },
  }));
  return { ipam: new HostLocalIpam(conf.ipam), dir: join(root, name) };
}

const ip = async (p: Promise<{ address: number }>) => formatIpv4((await p).address);

describe('HostLocalIpam', () => {
  it('hands out addresses in order after the gateway and records them like the reference plugin', async () => {
    const { ipam, dir } = ipamFor();
    expect(await ip(ipam.allocate('c1', 'eth0'))).toBe('10.244.3.2');
    expect(await ip(ipam.allocate('c2', 'eth0'))).toBe('10.244.3.3');
    expect(await readFile(join(dir, '10.244.3.2'), 'utf8')).toBe('c1\r\neth0');
    expect((await readFile(join(dir, 'last_reserved_ip.0'), 'utf8')).trim()).toBe('10.244.3.3');
  });

  it('gives a repeated ADD of one attachment the same address, and a second interface another', async () => {
    const { ipam } = ipamFor();
    const first = await ipam.allocate('c1', 'eth0');
    expect(await ipam.allocate('c1', 'eth0')).toEqual({ address: first.address, existing: true });
    expect((await ipam.allocate('c1', 'eth1')).address).not.toBe(first.address);
    expect(await ipam.lookup('c1', 'eth0')).toBe(first.address);
  });

  it('releases idempotently, and releasing in a network never used creates nothing', async () => {
    const { ipam } = ipamFor();
    const { address } = await ipam.allocate('c1', 'eth0');
    expect(await ipam.release('c1', 'eth0')).toEqual([address]);
    expect(await ipam.release('c1', 'eth0')).toEqual([]);
    expect(await ipam.lookup('c1', 'eth0')).toBeUndefined();
    const unused = ipamFor();
    expect(await unused.ipam.release('c1', 'eth0')).toEqual([]);
    await expect(stat(unused.dir)).rejects.toThrow('ENOENT');
  });

  it('reports exhaustion with code 101 and the range', async () => {
    const { ipam } = ipamFor({ rangeStart: '10.244.3.1', rangeEnd: '10.244.3.2' });
    expect(await ip(ipam.allocate('c1', 'eth0'))).toBe('10.244.3.2');
    const err = await ipam.allocate('c2', 'eth0').catch((e: CniError) => e);
    expect(err).toBeInstanceOf(CniError);
    expect((err as CniError).code).toBe(ErrorCode.AddressesExhausted);
    expect((err as CniError).details).toContain('10.244.3.1-10.244.3.2');
  });

  it('GC releases exactly the attachments not listed as valid', async () => {
    const { ipam, dir } = ipamFor();
    await ipam.allocate('keep', 'eth0');
    await ipam.allocate('stale', 'eth0');
    await ipam.allocate('keep', 'eth1');
    const released = await ipam.releaseAllExcept([{ containerID: 'keep', ifname: 'eth0' }, { containerID: 'keep', ifname: 'eth1' }]);
    expect(released.map((r) => r.containerId)).toEqual(['stale']);
    expect((await readdir(dir)).filter((n) => /^\d/.test(n))).toHaveLength(2);
  });

  it('never hands one address to two of many concurrent allocations', async () => {
    const { ipam } = ipamFor();
    const addresses = await Promise.all(Array.from({ length: 30 }, (_, i) => ip(ipam.allocate(`c${i}`, 'eth0'))));
    expect(new Set(addresses).size).toBe(30);
  });
});
