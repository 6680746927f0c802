import { afterEach, describe, expect, it } from '@jest/globals';
import type { ApiObject, WatchEvent } from '../../api/meta.js';
import { Informer } from '../../control/client/informer.js';
import { RegistryServer } from '../../control/registry/server.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { freePort } from '../harness/ports.js';
import { waitFor, within } from '../harness/wait.js';

let cluster: TestCluster | undefined;
afterEach(async () => { await cluster?.stop(); cluster = undefined; });

const configMap = (name: string, data: Record<string, string> = {}): ApiObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data } as ApiObject);

/** Writes through a second registry on the same etcd while the first is down, as another replica would. */
async function writeThroughOtherRegistry(c: TestCluster, write: (cms: ReturnType<TestCluster['client']['resource']>) => Promise<void>): Promise<void> {
  const port = await freePort();
  const other = new RegistryServer({ etcdEndpoints: [c.etcd.endpoint], host: '127.0.0.1', port, log: () => {}, compactionIntervalMs: 0 });
  await other.start();
  const { ApiClient } = await import('../../control/client/client.js');
  const client = new ApiClient({ server: `http://127.0.0.1:${port}` });
  try {
    await write(client.resource('configmaps'));
  } finally {
    client.close();
    await other.stop();
  }
}

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED in order from a list resourceVersion, honouring selectors', async () => {
    cluster = await startTestCluster();
    const cms = cluster.client.resource('configmaps');
    const list = await cms.list({ namespace: 'default' });
    const events: WatchEvent[] = [];
    const handle = cms.watch({ namespace: 'default', resourceVersion: list.metadata.resourceVersion, labelSelector: 'watched=yes' }, (e) => events.push(e));
    await cms.create({ ...configMap('w1'), metadata: { name: 'w1', namespace: 'default', labels: { watched: 'yes' } } });
    await cms.create(configMap('ignored'));
    await cms.patch('w1', { data: { a: '1' } }, 'application/merge-patch+json', 'default');
    await cms.patch('w1', { metadata: { labels: { watched: 'no' } } }, 'application/merge-patch+json', 'default');
    await cms.patch('ignored', { metadata: { labels: { watched: 'yes' } } }, 'application/merge-patch+json', 'default');
    await cms.delete('ignored', 'default');
    await waitFor('6 events', () => events.length >= 5);
    handle.stop();
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED w1', 'MODIFIED w1', 'DELETED w1', 'ADDED ignored', 'DELETED ignored',
    ]);
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
  });

  it('a watch stopped while it is still connecting ends (informers stop cleanly mid-reconnect)', async () => {
    cluster = await startTestCluster();
    const handle = cluster.client.resource('pods').watch({}, () => {});
    handle.stop();
    await within('the stopped watch to end', handle.done, 5000);
  });

  it('sends BOOKMARK events when asked', async () => {
    cluster = await startTestCluster({ bookmarkIntervalMs: 100 });
    const events: WatchEvent[] = [];
    const handle = cluster.client.resource('pods').watch({ allowWatchBookmarks: true, resourceVersion: '0' }, (e) => events.push(e));
    await waitFor('a bookmark', () => events.find((e) => e.type === 'BOOKMARK'));
    handle.stop();
    expect(Number(events.find((e) => e.type === 'BOOKMARK')!.object.metadata.resourceVersion)).toBeGreaterThan(0);
  });

  it('resumes across a registry restart with no event lost and no relist (history is replayed into the cache)', async () => {
    cluster = await startTestCluster();
    const c = cluster;
    const informer = new Informer(c.client.resource('configmaps'), { namespace: 'default', minBackoffMs: 50 });
    const adds: string[] = [];
    const deletes: string[] = [];
    informer.on('add', (o) => adds.push(o.metadata.name!));
    informer.on('delete', (o) => deletes.push(o.metadata.name!));
    await informer.start();
    await c.client.resource('configmaps').create(configMap('before'));
    await waitFor('before', () => informer.get('default/before'));
    const rvBeforeOutage = informer.lastResourceVersion;

    await c.registry.stop();
    await writeThroughOtherRegistry(c, async (cms) => {
      for (let i = 0; i < 5; i++) await cms.create(configMap(`during-${i}`));
      await cms.delete('before', 'default');
    });
    await c.restartRegistry();

    // A raw watch from the pre-outage version gets the missed events, not 410.
    const replayed: string[] = [];
    const raw = c.client.resource('configmaps').watch({ namespace: 'default', resourceVersion: rvBeforeOutage }, (e) => replayed.push(`${e.type} ${e.object.metadata.name}`));
    await waitFor('replayed events', () => replayed.length >= 6);
    raw.stop();
    expect(replayed).toEqual(['ADDED during-0', 'ADDED during-1', 'ADDED during-2', 'ADDED during-3', 'ADDED during-4', 'DELETED before']);

    await c.client.resource('configmaps').create(configMap('after'));
    await waitFor('informer catches up', () => informer.get('default/after'));
    await informer.stop();
    expect(adds.filter((n) => n !== 'kube-root-ca.crt')).toEqual(['before', 'during-0', 'during-1', 'during-2', 'during-3', 'during-4', 'after']);
    expect(deletes).toEqual(['before']);
  });

  it('survives an etcd crash: acknowledged writes persist and watches resume', async () => {
    cluster = await startTestCluster();
    const c = cluster;
    const cms = c.client.resource('configmaps');
    const informer = new Informer(cms, { namespace: 'default', minBackoffMs: 50 });
    await informer.start();
    const acked: string[] = [];
    for (let i = 0; i < 20; i++) acked.push((await cms.create(configMap(`acked-${i}`))).metadata.name!);
    await c.restartEtcd(true);
    const stored = await waitFor('registry reconnects to etcd', async () => {
      try { return (await cms.list({ namespace: 'default' })).items.map((o) => o.metadata.name!); } catch { return undefined; }
    }, 20_000);
    expect(stored).toEqual(expect.arrayContaining(acked));
    await waitFor('write after etcd restart', async () => { try { return await cms.create(configMap('post-crash')); } catch { return undefined; } }, 20_000);
    await waitFor('informer sees the write after the restart', () => informer.get('default/post-crash'), 20_000);
    for (const name of acked) expect(informer.get(`default/${name}`)).toBeDefined();
    await informer.stop();
  });

  it('answers 410 Gone for a resourceVersion older than the watch window, and the informer relists', async () => {
    cluster = await startTestCluster({ watchCacheSize: 10, historyReplay: 0 });
    const c = cluster;
    const cms = c.client.resource('configmaps');
    const informer = new Informer(cms, { namespace: 'default', minBackoffMs: 50 });
    await informer.start();
    await cms.create(configMap('old'));
    await waitFor('old', () => informer.get('default/old'));
    const startRv = informer.lastResourceVersion;

    await within('registry stop', c.registry.stop());
    await within('writes through another registry', writeThroughOtherRegistry(c, async (other) => {
      for (let i = 0; i < 30; i++) await other.create(configMap(`burst-${i}`));
      await other.delete('old', 'default');
    }), 20_000);
    await within('etcd compaction', c.compactEtcd());
    await within('registry restart', c.restartRegistry(), 20_000);

    const err = await within('the expired watch to end', cms.watch({ namespace: 'default', resourceVersion: startRv }, () => {}).done.catch((e: unknown) => e));
    expect(err).toMatchObject({ code: 410, reason: 'Expired' });

    await waitFor('informer relisted', () => informer.get('default/burst-29') && !informer.get('default/old'), 20_000);
    expect(informer.list().filter((o) => o.metadata.name!.startsWith('burst-'))).toHaveLength(30);
    await within('informer stop', informer.stop());
  });

  it('restarts cleanly after etcd compacted the history it would replay, and keeps streaming new writes', async () => {
    cluster = await startTestCluster();
    const c = cluster;
    const cms = c.client.resource('configmaps');
    const before = await cms.create(configMap('pre-compaction'));
    for (let i = 0; i < 5; i++) await cms.create(configMap(`filler-${i}`));
    await c.compactEtcd();
    await c.restartRegistry();
    const err = await within('the expired watch to end', cms.watch({ namespace: 'default', resourceVersion: before.metadata.resourceVersion }, () => {}).done.catch((e: unknown) => e));
    expect(err).toMatchObject({ code: 410 });
    const list = await cms.list({ namespace: 'default' });
    const seen: string[] = [];
    const handle = cms.watch({ namespace: 'default', resourceVersion: list.metadata.resourceVersion }, (e) => seen.push(`${e.type} ${e.object.metadata.name}`));
    await cms.create(configMap('post-compaction'));
    await waitFor('the new write on the watch', () => seen.includes('ADDED post-compaction'));
    handle.stop();
    expect(seen).toEqual(['ADDED post-compaction']);
  });

  it('a paginated list whose snapshot was compacted answers 410 with a clear message', async () => {
    cluster = await startTestCluster();
    const cms = cluster.client.resource('configmaps');
    for (let i = 0; i < 6; i++) await cms.create(configMap(`page-${i}`));
    const first = await cms.list({ namespace: 'default', limit: 2 });
    await cms.create(configMap('later'));
    await cluster.compactEtcd();
    await expect(cms.list({ namespace: 'default', limit: 2, continue: first.metadata.continue })).rejects.toMatchObject({ code: 410, message: expect.stringContaining('continue parameter is too old') });
  });
});
