/**
 * The cairn-cni plugin and the invoker against the real kernel: a "host" namespace standing in for a node
 * (bridge, ip_forward), one namespace per pod, the plugin run as its own process through the invoker (inside
 * the host namespace) or directly with hand-made stdin for the error cases. IPAM state, conf dir and result
 * cache live in this run's temp dir.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CniInvoker, type PodNetwork } from '../../dataplane/cni/invoker.js';
import { writeNodeCniConfig } from '../../dataplane/cni/conflist.js';
import { hostVethName } from '../../dataplane/cni/names.js';
import { CniError, ErrorCode } from '../../dataplane/cni/spec.js';
import { reapStaleTestDirs } from '../harness/reap.js';
import { createNetns, deleteNetns, inNetns, reapStaleNetns, testNetnsName } from '../lab/netns.js';

const PLUGIN = fileURLToPath(new URL('../../../bin/cairn-cni', import.meta.url));
const SUBNET = '10.244.42.0/24';
const GATEWAY = '10.244.42.1';
const HOST = testNetnsName('cnihost');
const namespaces: string[] = [];
let root: string;
let binDir: string;
let stateDir: string;
let confDir: string;
let invoker: CniInvoker;
let podCount = 0;

beforeAll(async () => {
  await reapStaleNetns();
  await reapStaleTestDirs();
  root = await mkdtemp(join(tmpdir(), `cairn-test-${process.pid}-cni-`));
  binDir = join(root, 'bin');
  confDir = join(root, 'net.d');
  stateDir = join(root, 'ipam', 'cairn');
  await mkdir(binDir);
  await symlink(PLUGIN, join(binDir, 'cairn-cni'));
  await writeNodeCniConfig(confDir, SUBNET, { mtu: 1400, dataDir: join(root, 'ipam') });
  await createNetns(HOST);
  namespaces.push(HOST);
  // An empty first bin dir proves plugins are searched for along all of CNI_PATH.
  invoker = new CniInvoker({ confDir, binDirs: [join(root, 'empty'), binDir], hostNetns: HOST, cacheDir: join(root, 'results') });
});

afterAll(async () => {
  for (const name of namespaces) await deleteNetns(name);
  if (root) await rm(root, { recursive: true, force: true });
});

interface Pod { netns: string; ref: { containerId: string; netnsPath: string; ifName: string } }

async function newPod(): Promise<Pod> {
  const index = podCount++;
  const netns = testNetnsName(`pod${index}`);
  await createNetns(netns);
  namespaces.push(netns);
  return { netns, ref: { containerId: `ctr-${process.pid}-${index}`, netnsPath: `/run/netns/${netns}`, ifName: 'eth0' } };
}

/** Runs the plugin binary inside the host namespace with exactly this environment and stdin. */
function runPlugin(env: Record<string, string>, stdin: string): Promise<{ code: number | null; reply: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', HOST, join(binDir, 'cairn-cni')], { env: { PATH: process.env['PATH']!, ...env } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, reply: out.trim() ? JSON.parse(out) as Record<string, unknown> : {} }));
    child.stdin.end(stdin);
  });
}

const netConf = (extra: object = {}) => JSON.stringify({
  cniVersion: '1.1.0', name: 'cairn', type: 'cairn-cni', mtu: 1400,
  ipam: { type: 'host-local', subnet: SUBNET, dataDir: join(root, 'ipam') }, ...extra,
});

async function reservations(): Promise<string[]> {
  return (await readdir(stateDir).catch(() => [] as string[])).filter((n) => /^\d+\.\d+\.\d+\.\d+$/.test(n)).sort();
}

async function hostLinks(): Promise<string[]> {
  return (JSON.parse(await inNetns(HOST, 'ip', ['-j', 'link', 'show'])) as { ifname: string }[]).map((l) => l.ifname).sort();
}

async function podLinks(pod: Pod): Promise<string[]> {
  return (JSON.parse(await inNetns(pod.netns, 'ip', ['-j', 'link', 'show'])) as { ifname: string }[]).map((l) => l.ifname);
}

function ping(pod: Pod, address: string): Promise<string> {
  return inNetns(pod.netns, 'busybox', ['ping', '-c1', '-W1', address]);
}

async function cniError(promise: Promise<unknown>): Promise<CniError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CniError);
  return err as CniError;
}

describe('cairn-cni plugin through the invoker', () => {
  it('VERSION lists the supported spec versions', async () => {
    const direct = await runPlugin({ CNI_COMMAND: 'VERSION' }, '{"cniVersion":"1.0.0"}');
    expect(direct).toEqual({ code: 0, reply: { cniVersion: '1.0.0', supportedVersions: ['1.0.0', '1.1.0'] } });
    expect(await invoker.versions()).toEqual({ 'cairn-cni': { cniVersion: '1.1.0', supportedVersions: ['1.0.0', '1.1.0'] } });
  });

  it('ADD gives pods addresses in the podCIDR that reach the gateway and each other', async () => {
    const [a, b] = [await newPod(), await newPod()];
    const netA: PodNetwork = await invoker.add(a.ref);
    const netB = await invoker.add(b.ref);
    for (const net of [netA, netB]) {
      expect(net.cidr).toMatch(/^10\.244\.42\.\d+\/24$/);
      expect(net.gateway).toBe(GATEWAY);
    }
    expect(netA.ip).not.toBe(netB.ip);
    expect(netA.interfaces[netA.ips[0]!.interface!]).toMatchObject({ name: 'eth0', sandbox: a.ref.netnsPath, mtu: 1400 });
    expect(await reservations()).toEqual(expect.arrayContaining([netA.ip, netB.ip]));

    const addr = await inNetns(a.netns, 'ip', ['-4', 'addr', 'show', 'dev', 'eth0']);
    expect(addr).toContain(`${netA.cidr} scope global noprefixroute eth0`);
    const routes = await inNetns(a.netns, 'ip', ['-4', 'route', 'show']);
    expect(routes).toContain(`default via ${GATEWAY} dev eth0`);
    expect(routes).toContain(`${GATEWAY} dev eth0 scope link`);
    expect((await inNetns(a.netns, 'cat', ['/proc/sys/net/ipv4/conf/eth0/accept_redirects'])).trim()).toBe('0');
    expect((await inNetns(HOST, 'cat', ['/proc/sys/net/ipv4/ip_forward'])).trim()).toBe('1');
    expect(await inNetns(HOST, 'ip', ['link', 'show', 'dev', hostVethName(a.ref.containerId, 'eth0')])).toContain('master cairn0');

    expect(await ping(a, GATEWAY)).toContain('1 packets received');
    expect(await ping(a, netB.ip)).toContain('1 packets received');
    expect(await ping(b, netA.ip)).toContain('1 packets received');
    await invoker.del(a.ref);
    await invoker.del(b.ref);
  });

  it('a repeated ADD of one attachment keeps its address and leaves it working', async () => {
    const pod = await newPod();
    const first = await invoker.add(pod.ref);
    const again = await invoker.add(pod.ref);
    expect(again.ip).toBe(first.ip);
    expect((await reservations()).filter((ip) => ip === first.ip)).toHaveLength(1);
    expect(await ping(pod, GATEWAY)).toContain('1 packets received');
    await invoker.del(pod.ref);
  });

  it('CHECK passes after ADD and fails once the host veth is gone', async () => {
    const pod = await newPod();
    await invoker.add(pod.ref);
    await invoker.check(pod.ref);
    await inNetns(HOST, 'ip', ['link', 'del', 'dev', hostVethName(pod.ref.containerId, 'eth0')]);
    const err = await cniError(invoker.check(pod.ref));
    expect(err.code).toBe(ErrorCode.CheckFailed);
    expect(err.details).toContain('is missing');
    await invoker.del(pod.ref);
  });

  it('DEL releases the address and veth, is idempotent, and works after the namespace is gone', async () => {
    const pod = await newPod();
    const net = await invoker.add(pod.ref);
    const veth = hostVethName(pod.ref.containerId, 'eth0');
    expect(await hostLinks()).toContain(veth);
    await invoker.del(pod.ref);
    expect(await reservations()).not.toContain(net.ip);
    expect(await hostLinks()).not.toContain(veth);
    expect(await podLinks(pod)).toEqual(['lo']);
    await invoker.del(pod.ref);

    const gone = await newPod();
    const goneNet = await invoker.add(gone.ref);
    await deleteNetns(gone.netns);
    await invoker.del(gone.ref);
    expect(await reservations()).not.toContain(goneNet.ip);
    expect(await hostLinks()).not.toContain(hostVethName(gone.ref.containerId, 'eth0'));
  });

  it('answers malformed or invalid input with the spec error object and creates nothing', async () => {
    const pod = await newPod();
    const env = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'bad-input', CNI_NETNS: pod.ref.netnsPath, CNI_IFNAME: 'eth0' };
    const [linksBefore, reservedBefore] = [await hostLinks(), await reservations()];

    const decode = await runPlugin(env, '{"cniVersion": "1.1.0", ');
    expect(decode.code).not.toBe(0);
    expect(decode.reply).toMatchObject({ cniVersion: '1.1.0', code: ErrorCode.DecodeFailure, msg: expect.any(String) });

    const invalid = await runPlugin(env, netConf({ ipam: { type: 'host-local', subnet: '10.244.42.7/24' } }));
    expect(invalid.code).not.toBe(0);
    expect(invalid.reply).toMatchObject({ code: ErrorCode.InvalidNetworkConfig, msg: expect.stringContaining('ipam.subnet') });
    expect(invalid.reply['details']).toContain('use 10.244.42.0/24');

    const version = await runPlugin(env, netConf({ cniVersion: '0.4.0' }));
    expect(version.reply).toMatchObject({ code: ErrorCode.IncompatibleVersion });
    const noIfname = await runPlugin({ ...env, CNI_IFNAME: '' }, netConf());
    expect(noIfname.reply).toMatchObject({ code: ErrorCode.InvalidEnvironment, msg: expect.stringContaining('CNI_IFNAME') });
    const noNetns = await runPlugin({ ...env, CNI_NETNS: '/run/netns/does-not-exist' }, netConf());
    expect(noNetns.reply).toMatchObject({ code: ErrorCode.ContainerUnknown });

    expect(await hostLinks()).toEqual(linksBefore);
    expect(await reservations()).toEqual(reservedBefore);
    expect(await podLinks(pod)).toEqual(['lo']);
  });

  it('a failing ADD undoes its steps: no address held, no veth left', async () => {
    const pod = await newPod();
    await inNetns(pod.netns, 'ip', ['link', 'add', 'eth0', 'type', 'bridge']); // takes the name the veth needs
    const [linksBefore, reservedBefore] = [await hostLinks(), await reservations()];
    const err = await cniError(invoker.add(pod.ref));
    expect(err.code).toBe(ErrorCode.LinkFailure);
    expect(err.msg).toContain('veth');
    expect(await hostLinks()).toEqual(linksBefore);
    expect(await reservations()).toEqual(reservedBefore);
  });

  it('20 concurrent ADDs from separate processes get 20 distinct addresses', async () => {
    const pods = await Promise.all(Array.from({ length: 20 }, () => newPod()));
    const before = await reservations();
    const nets = await Promise.all(pods.map((p) => invoker.add(p.ref)));
    expect(new Set(nets.map((n) => n.ip)).size).toBe(20);
    expect((await reservations()).length).toBe(before.length + 20);
    for (const [i, net] of nets.entries()) {
      expect(await readFile(join(stateDir, net.ip), 'utf8')).toBe(`${pods[i]!.ref.containerId}\r\neth0`);
    }
    await Promise.all(pods.map((p) => invoker.del(p.ref)));
    expect(await reservations()).toEqual(before);
  }, 120_000);

  it('GC releases allocations and veths not in the valid attachments', async () => {
    const [keep, stale] = [await newPod(), await newPod()];
    const keepNet = await invoker.add(keep.ref);
    const staleNet = await invoker.add(stale.ref);
    const valid = [{ containerID: keep.ref.containerId, ifname: 'eth0' }];
    const gc = await runPlugin({ CNI_COMMAND: 'GC', CNI_PATH: binDir }, netConf({ 'cni.dev/valid-attachments': valid }));
    expect(gc).toEqual({ code: 0, reply: {} });
    expect(await reservations()).toContain(keepNet.ip);
    expect(await reservations()).not.toContain(staleNet.ip);
    expect(await hostLinks()).not.toContain(hostVethName(stale.ref.containerId, 'eth0'));
    expect(await ping(keep, GATEWAY)).toContain('1 packets received');

    await invoker.gc([]);
    expect(await reservations()).not.toContain(keepNet.ip);
    await expect(invoker.check(keep.ref)).rejects.toThrow('no cached ADD result');
  });
});
