import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApiObject } from '../../api/meta.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
  const pods = cluster.client.resource('pods');
  for (let i = 0; i < 12; i++) {
    await pods.create({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `sel-${String(i).padStart(2, '0')}`, namespace: 'default', labels: { app: i % 2 ? 'web' : 'db', tier: i < 6 ? 'front' : 'back' } },
      spec: { containers: [{ name: 'c', image: 'busybox' }], ...(i % 3 === 0 ? { nodeName: 'node-a' } : {}) },
    } as ApiObject);
  }
});
afterAll(async () => { await cluster?.stop(); });

const names = (items: ApiObject[]): string[] => items.map((o) => o.metadata.name!);

describe('label and field selectors', () => {
  it('filters by equality, set and existence', async () => {
    const pods = cluster.client.resource('pods');
    expect(names((await pods.list({ namespace: 'default', labelSelector: 'app=web' })).items)).toEqual(['sel-01', 'sel-03', 'sel-05', 'sel-07', 'sel-09', 'sel-11']);
    expect(names((await pods.list({ namespace: 'default', labelSelector: 'app=web,tier in (back)' })).items)).toEqual(['sel-07', 'sel-09', 'sel-11']);
    expect(names((await pods.list({ namespace: 'default', labelSelector: 'app!=web,tier notin (back)' })).items)).toEqual(['sel-00', 'sel-02', 'sel-04']);
    expect((await pods.list({ namespace: 'default', labelSelector: '!app' })).items).toHaveLength(0);
  });

  it('filters by fields such as spec.nodeName', async () => {
    const pods = cluster.client.resource('pods');
    expect(names((await pods.list({ fieldSelector: 'spec.nodeName=node-a' })).items)).toEqual(['sel-00', 'sel-03', 'sel-06', 'sel-09']);
    expect((await pods.list({ namespace: 'default', fieldSelector: 'spec.nodeName=node-a,metadata.name!=sel-00' })).items).toHaveLength(3);
  });

  it('rejects a malformed selector with 400 naming the problem', async () => {
    await expect(cluster.client.resource('pods').list({ labelSelector: 'app in (web' })).rejects.toMatchObject({ code: 400 });
  });
});

describe('pagination', () => {
  it('pages with limit/continue over one consistent snapshot', async () => {
    const pods = cluster.client.resource('pods');
    const first = await pods.list({ namespace: 'default', limit: 5 });
    expect(first.items).toHaveLength(5);
    expect(first.metadata.continue).toBeTruthy();
    // A write between pages does not show up in later pages of the same list.
    await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sel-99', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } as ApiObject);
    const seen = [...names(first.items)];
    let token = first.metadata.continue;
    while (token) {
      const page = await pods.list({ namespace: 'default', limit: 5, continue: token });
      expect(page.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
      seen.push(...names(page.items));
      token = page.metadata.continue;
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `sel-${String(i).padStart(2, '0')}`));
    expect(names((await pods.list({ namespace: 'default' })).items)).toContain('sel-99');
  });

  it('pages with a selector fill each page with matching items', async () => {
    const page = await cluster.client.resource('pods').list({ namespace: 'default', labelSelector: 'app=db', limit: 4 });
    expect(names(page.items)).toEqual(['sel-00', 'sel-02', 'sel-04', 'sel-06']);
  });

  it('rejects a forged continue token', async () => {
    await expect(cluster.client.resource('pods').list({ namespace: 'default', limit: 2, continue: 'not-a-token' })).rejects.toMatchObject({ code: 400 });
  });
});
