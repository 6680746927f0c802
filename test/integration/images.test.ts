import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DistributionClient } from '../../agent/images/distribution-client.js';
import { ImagePullReasons } from '../../agent/images/errors.js';
import type { DiskStats } from '../../agent/images/image-gc.js';
import { ImageService, type ImageServiceOptions } from '../../agent/images/image-service.js';
import type { RegistryCredentials } from '../../agent/images/registry-auth.js';
import { TEST_PREFIX } from '../harness/cluster.js';
import { startLabRegistry, type LabRegistry } from '../lab/image-registry.js';
import { buildImage, buildLayer, pushImage, type BuiltImage } from '../../agent/images/oci-image-builder.js';
import { startRegistryProxy, type RegistryProxy } from '../lab/registry-proxy.js';
import { startTokenServer } from '../lab/registry-token-server.js';
import { busyboxImage, busyboxLayer } from '../../agent/images/busybox-image.js';
import { pushTestImages, testServerImage, type TestImageRefs } from '../lab/test-images.js';

// The agent's image service against Debian's docker-registry. Pulls go through a proxy that counts
// requests (to tell cache hits from network) and can corrupt responses.

const client = new DistributionClient();
let registry: LabRegistry;
let proxy: RegistryProxy;
let refs: TestImageRefs;
let dir: string;
let clock = 1_000_000;
let caches = 0;

beforeAll(async () => {
  registry = await startLabRegistry();
  proxy = await startRegistryProxy(registry.host);
  refs = await pushTestImages(client, registry.host);
  dir = await mkdtemp(join(tmpdir(), `${TEST_PREFIX}images-`));
});
afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  proxy.requests.length = 0;
  proxy.corrupt = () => false;
});

/** `ref` pulled through the counting proxy. */
const via = (ref: string): string => ref.replace(registry.host, proxy.host);

function openCache(options: Partial<ImageServiceOptions> = {}): Promise<ImageService> {
  return ImageService.open({ root: join(dir, `cache-${caches++}`), now: () => clock, backoff: { initialMs: 10_000, maxMs: 40_000 }, ...options });
}

function blobGets(): string[] {
  return proxy.requests.filter((r) => r.startsWith('GET ') && r.includes('/blobs/')).map((r) => r.replace(/^GET \/v2\/[^]*\/blobs\//, '')).sort();
}

function manifestGets(): string[] {
  return proxy.requests.filter((r) => r.includes('/manifests/'));
}

const layerDigests = (image: BuiltImage): string[] => image.layers.map((l) => l.digest);

describe('pulling and caching', () => {
  it('walks index → linux/amd64 manifest → config + layers once, then serves from the cache with no network, across restarts', async () => {
    const root = join(dir, `cache-${caches++}`);
    const images = await openCache({ root });
    const amd64 = testServerImage();
    const pulled = await images.ensureImage(via(refs.testServer), 'IfNotPresent');
    expect(pulled.imageID).toBe(amd64.configDigest);
    expect(pulled.config.Entrypoint).toEqual(['/bin/cairn-test-server']);
    expect(await readFile(join(pulled.rootfsPath, 'bin/cairn-test-server'), 'utf8')).toContain('READY_AFTER');
    expect(await readlink(join(pulled.rootfsPath, 'bin/sh'))).toBe('busybox');
    expect(manifestGets()).toEqual(['GET /v2/cairn/test-server/manifests/1', `GET /v2/cairn/test-server/manifests/${amd64.manifestDigest}`]);
    expect(blobGets()).toEqual([amd64.configDigest, ...layerDigests(amd64)].sort());

    proxy.requests.length = 0;
    expect(await images.ensureImage(via(refs.testServer), 'IfNotPresent')).toEqual(pulled);
    const restarted = await ImageService.open({ root });
    expect((await restarted.ensureImage(via(refs.testServer), 'IfNotPresent')).rootfsPath).toBe(pulled.rootfsPath);
    expect(proxy.requests).toEqual([]);
  });

  it('chooses the configured platform from an index', async () => {
    const images = await openCache({ platform: { os: 'linux', architecture: 'arm64' } });
    const pulled = await images.ensureImage(via(refs.testServer), 'IfNotPresent');
    expect(pulled.imageID).toBe(testServerImage({ os: 'linux', architecture: 'arm64' }).configDigest);
    const riscv = await openCache({ platform: { os: 'linux', architecture: 'riscv64' } });
    await expect(riscv.ensureImage(via(refs.testServer), 'IfNotPresent')).rejects.toThrow('no matching manifest for linux/riscv64 in the manifest list entries (offered: linux/arm64, linux/amd64)');
  });

  it('pulls Docker schema-2 images too', async () => {
    const images = await openCache();
    const pulled = await images.ensureImage(via(refs.busyboxDocker), 'IfNotPresent');
    expect(pulled.imageID).toBe(busyboxImage('docker').configDigest);
    expect(pulled.config.Cmd).toEqual(['sh']);
  });

  it('downloads a blob once for concurrent pulls and for images sharing layers', async () => {
    const images = await openCache();
    const [a, b] = await Promise.all([images.ensureImage(via(refs.busybox), 'IfNotPresent'), images.ensureImage(via(refs.busybox), 'IfNotPresent')]);
    expect(a.rootfsPath).toBe(b.rootfsPath);
    expect(blobGets()).toEqual([busyboxImage().configDigest, busyboxLayer().digest].sort());
    proxy.requests.length = 0;
    await images.ensureImage(via(refs.testServer), 'IfNotPresent');
    expect(blobGets()).not.toContain(busyboxLayer().digest);
  });

  it('Always asks for the manifest each time and fetches only content that changed', async () => {
    const moving = `${registry.host}/cairn/moving:1`;
    await pushImage(client, moving, busyboxImage());
    const images = await openCache();
    const first = await images.ensureImage(via(moving), 'Always');
    proxy.requests.length = 0;
    expect((await images.ensureImage(via(moving), 'Always')).imageID).toBe(first.imageID);
    expect(proxy.requests).toEqual(['GET /v2/cairn/moving/manifests/1']);

    const v2 = buildImage([busyboxLayer(), buildLayer([{ path: 'etc', type: 'dir' }, { path: 'etc/version', type: 'file', content: 'v2' }])], { Cmd: ['sh'] });
    await pushImage(client, moving, v2);
    proxy.requests.length = 0;
    const second = await images.ensureImage(via(moving), 'Always');
    expect(second.imageID).toBe(v2.configDigest);
    expect(await readFile(join(second.rootfsPath, 'etc/version'), 'utf8')).toBe('v2');
    expect(blobGets()).toEqual([v2.configDigest, v2.layers[1].digest].sort());
    proxy.requests.length = 0;
    expect((await images.ensureImage(via(moving), 'IfNotPresent')).imageID).toBe(v2.configDigest);
    expect(proxy.requests).toEqual([]);
  });

  it('Never uses only the cache', async () => {
    const images = await openCache();
    await expect(images.ensureImage(via(refs.busybox), 'Never')).rejects.toMatchObject({
      reason: ImagePullReasons.ErrImageNeverPull,
      message: `Container image "${via(refs.busybox)}" is not present with pull policy of Never`,
    });
    expect(proxy.requests).toEqual([]);
    await images.ensureImage(via(refs.busybox), 'IfNotPresent');
    expect((await images.ensureImage(via(refs.busybox), 'Never')).imageID).toBe(busyboxImage().configDigest);
  });

  it('honours whiteouts: a later layer deletes a file and makes a directory opaque', async () => {
    const ref = `${registry.host}/cairn/whiteout:1`;
    await pushImage(client, ref, buildImage([
      busyboxLayer(),
      buildLayer([{ path: 'etc', type: 'dir' }, { path: 'etc/motd', type: 'file', content: 'hello' }, { path: 'data', type: 'dir' },
        { path: 'data/a', type: 'file', content: 'a' }, { path: 'data/b', type: 'file', content: 'b' }]),
      buildLayer([{ path: 'etc/.wh.motd', type: 'file', content: '' }, { path: 'data/.wh..wh..opq', type: 'file', content: '' },
        { path: 'data/c', type: 'file', content: 'c' }]),
    ], { Cmd: ['sh'] }));
    const pulled = await (await openCache()).ensureImage(via(ref), 'IfNotPresent');
    expect(existsSync(join(pulled.rootfsPath, 'etc/motd'))).toBe(false);
    expect(existsSync(join(pulled.rootfsPath, 'etc/passwd'))).toBe(true);
    expect(await readdir(join(pulled.rootfsPath, 'data'))).toEqual(['c']);
  });
});

describe('failures', () => {
  it('reports ErrImagePull with the registry reason, then ImagePullBackOff without asking until the back-off passes', async () => {
    const images = await openCache();
    const missingTag = via(`${registry.host}/cairn/busybox:no-such-tag`);
    await expect(images.ensureImage(missingTag, 'IfNotPresent')).rejects.toMatchObject({
      reason: ImagePullReasons.ErrImagePull,
      message: `Failed to pull image "${missingTag}": manifest unknown (MANIFEST_UNKNOWN)`,
    });
    proxy.requests.length = 0;
    await expect(images.ensureImage(missingTag, 'IfNotPresent')).rejects.toMatchObject({
      reason: ImagePullReasons.ImagePullBackOff,
      message: `Back-off pulling image "${missingTag}": Failed to pull image "${missingTag}": manifest unknown (MANIFEST_UNKNOWN)`,
    });
    expect(proxy.requests).toEqual([]);
    clock += 10_000;
    await expect(images.ensureImage(missingTag, 'IfNotPresent')).rejects.toMatchObject({ reason: ImagePullReasons.ErrImagePull });
    clock += 10_000;
    await expect(images.ensureImage(missingTag, 'IfNotPresent')).rejects.toMatchObject({ reason: ImagePullReasons.ImagePullBackOff });

    // distribution 2.8 answers MANIFEST_UNKNOWN for an unknown repository as well.
    await expect(images.ensureImage(via(`${registry.host}/cairn/nothing-here:1`), 'IfNotPresent')).rejects.toThrow('manifest unknown (MANIFEST_UNKNOWN)');
    await expect(images.ensureImage('Not/A Valid:image', 'IfNotPresent')).rejects.toMatchObject({ reason: ImagePullReasons.InvalidImageName });
  });

  it('refuses a tampered layer or manifest and keeps nothing of it', async () => {
    const root = join(dir, `cache-${caches++}`);
    const images = await openCache({ root });
    const layer = busyboxLayer().digest;
    proxy.corrupt = (path) => path.endsWith(layer);
    await expect(images.ensureImage(via(refs.busybox), 'IfNotPresent')).rejects.toMatchObject({
      reason: ImagePullReasons.ErrImagePull,
      message: expect.stringContaining(`digest mismatch for blob ${layer}: expected ${layer}, got sha256:`),
    });
    expect(existsSync(join(root, 'blobs/sha256', layer.slice('sha256:'.length)))).toBe(false);
    expect(images.list()).toEqual([]);

    const amd64 = testServerImage().manifestDigest;
    proxy.corrupt = (path) => path.endsWith(`/manifests/${amd64}`);
    await expect(images.ensureImage(via(refs.testServer), 'IfNotPresent')).rejects.toThrow(`digest mismatch for manifest ${amd64}: expected ${amd64}`);

    proxy.corrupt = () => false;
    clock += 10_000;
    expect((await images.ensureImage(via(refs.busybox), 'IfNotPresent')).imageID).toBe(busyboxImage().configDigest);
  });
});

describe('garbage collection', () => {
  it('removes least recently used unused images when the disk is over the high threshold, keeping shared content', async () => {
    let disk: DiskStats = { capacityBytes: 1000, availableBytes: 500 };
    const root = join(dir, `cache-${caches++}`);
    const images = await openCache({ root, diskStats: async () => disk });
    clock += 1;
    const busybox = await images.ensureImage(via(refs.busybox), 'IfNotPresent');
    clock += 1;
    const server = await images.ensureImage(via(refs.testServer), 'IfNotPresent');
    clock += 1;
    const moving = await images.ensureImage(via(`${registry.host}/cairn/moving:1`), 'IfNotPresent');
    const thresholds = { highThresholdPercent: 85, lowThresholdPercent: 80, inUse: new Set([busybox.imageID]), minAgeMs: 0 };

    expect(await images.garbageCollect(thresholds)).toEqual({ removed: [], freedBytes: 0, neededBytes: 0 });
    disk = { capacityBytes: 1000, availableBytes: 100 };
    expect((await images.garbageCollect({ ...thresholds, minAgeMs: undefined })).removed).toEqual([]);

    const result = await images.garbageCollect(thresholds);
    expect(result.removed).toEqual([server.imageID]);
    expect(result.neededBytes).toBe(100);
    expect(result.freedBytes).toBeGreaterThan(testServerImage().layers[1].blob.length);
    expect(existsSync(server.rootfsPath)).toBe(false);
    expect(existsSync(busybox.rootfsPath)).toBe(true);
    expect(existsSync(join(root, 'blobs/sha256', busyboxLayer().digest.slice(7)))).toBe(true);
    expect(existsSync(join(root, 'blobs/sha256', testServerImage().layers[1].digest.slice(7)))).toBe(false);
    expect(images.list().map((i) => i.id).sort()).toEqual([busybox.imageID, moving.imageID].sort());
    await expect(images.ensureImage(via(refs.testServer), 'Never')).rejects.toMatchObject({ reason: ImagePullReasons.ErrImageNeverPull });

    const usage = await images.usage();
    expect(usage.images).toBe(2);
    expect(usage.bytes).toBeGreaterThan(busyboxLayer().blob.length);
  });
});

describe('registry authentication', () => {
  const user: RegistryCredentials = { username: 'cairn', password: 'lab-secret' };

  it('Basic: refused without or with wrong credentials (registry reason shown), pulls with them', async () => {
    const secured = await startLabRegistry({ auth: { htpasswd: user } });
    try {
      const ref = `${secured.host}/cairn/busybox:1`;
      await pushImage(client, ref, busyboxImage(), user);
      const images = await openCache();
      await expect(images.ensureImage(ref, 'IfNotPresent')).rejects.toThrow('authentication required (UNAUTHORIZED)');
      await expect(images.ensureImage(ref, 'IfNotPresent', { ...user, username: 'intruder' })).rejects.toThrow('authentication required (UNAUTHORIZED)');
      expect((await images.ensureImage(ref, 'IfNotPresent', user)).imageID).toBe(busyboxImage().configDigest);
    } finally {
      await secured.stop();
    }
  });

  it('Bearer: follows the token flow, one token for a whole pull; anonymous and wrong users are refused', async () => {
    const tokens = await startTokenServer(user);
    const secured = await startLabRegistry({ auth: { token: tokens.registryAuth } });
    try {
      const ref = `${secured.host}/cairn/busybox:1`;
      await pushImage(client, ref, busyboxImage(), user);
      await expect((await openCache()).ensureImage(ref, 'IfNotPresent')).rejects.toThrow('authentication required (UNAUTHORIZED)');
      await expect((await openCache()).ensureImage(ref, 'IfNotPresent', { ...user, password: 'wrong' })).rejects.toThrow('invalid username or password (UNAUTHORIZED)');
      tokens.requests.length = 0;
      expect((await (await openCache()).ensureImage(ref, 'IfNotPresent', user)).imageID).toBe(busyboxImage().configDigest);
      expect(tokens.requests).toEqual([{ user: 'cairn', scope: 'repository:cairn/busybox:pull' }]);
    } finally {
      await secured.stop();
      await tokens.stop();
    }
  });
});
