import { describe, expect, it } from '@jest/globals';
import { parseFieldSelector, parseLabelSelector } from '../../../api/selectors.js';
import type { CacheEntry } from './entry.js';
import { ResourceCache, TooOldRevision, type CacheEventType, type CacheWatcher } from './resource-cache.js';

const entry = (ns: string, name: string, revision: number, labels: Record<string, string> = {}, node = ''): CacheEntry => ({
  key: `/registry/pods/${ns}/${name}`, namespace: ns, name, revision, bytes: Buffer.from(JSON.stringify({ metadata: { name, namespace: ns, labels } })), labels,
  fields: { 'metadata.name': name, 'metadata.namespace': ns, 'spec.nodeName': node },
});

function recorder(filter = {}): CacheWatcher & { seen: string[] } {
  const seen: string[] = [];
  return { filter, seen, deliver: (type: CacheEventType, e: CacheEntry) => { seen.push(`${type} ${e.name}`); return true; }, terminate: () => {} };
}

describe('ResourceCache', () => {
  it('lists in key order and uses the field index for exact node selections', () => {
    const c = new ResourceCache(10, 1, 'spec.nodeName');
    c.load(entry('b', 'z', 1, {}, 'n1'));
    c.load(entry('a', 'y', 1, {}, 'n2'));
    c.load(entry('a', 'x', 1, {}, 'n1'));
    expect(c.list({}).map((e) => e.name)).toEqual(['x', 'y', 'z']);
    expect(c.list({ fields: parseFieldSelector('spec.nodeName=n1') }).map((e) => e.name)).toEqual(['x', 'z']);
    c.apply({ type: 'MODIFIED', entry: entry('a', 'x', 2, {}, 'n2'), prev: entry('a', 'x', 1, {}, 'n1'), revision: 2 });
    expect(c.list({ fields: parseFieldSelector('spec.nodeName=n1') }).map((e) => e.name)).toEqual(['z']);
    c.apply({ type: 'DELETED', entry: entry('b', 'z', 3, {}, 'n1'), prev: entry('b', 'z', 1, {}, 'n1'), revision: 3 });
    expect(c.list({ fields: parseFieldSelector('spec.nodeName=n1') })).toEqual([]);
    expect(c.list({ namespace: 'a', fields: parseFieldSelector('spec.nodeName=n2') }).map((e) => e.name)).toEqual(['x', 'y']);
  });

  it('replays the window after a revision and turns selector transitions into ADDED/DELETED', () => {
    const c = new ResourceCache(10, 1);
    c.apply({ type: 'ADDED', entry: entry('a', 'p', 2, { app: 'web' }), revision: 2 });
    c.apply({ type: 'MODIFIED', entry: entry('a', 'p', 3, { app: 'db' }), prev: entry('a', 'p', 2, { app: 'web' }), revision: 3 });
    const w = recorder({ labels: parseLabelSelector('app=web') });
    c.watch(w, 1);
    c.apply({ type: 'MODIFIED', entry: entry('a', 'p', 4, { app: 'web' }), prev: entry('a', 'p', 3, { app: 'db' }), revision: 4 });
    expect(w.seen).toEqual(['ADDED p', 'DELETED p', 'ADDED p']);
  });

  it('refuses a watch from before its window once events were evicted', () => {
    const c = new ResourceCache(2, 1);
    for (let rev = 2; rev <= 5; rev++) c.apply({ type: 'ADDED', entry: entry('a', `p${rev}`, rev), revision: rev });
    expect(() => c.watch(recorder(), 2)).toThrow(TooOldRevision);
    const w = recorder();
    c.watch(w, 3);
    expect(w.seen).toEqual(['ADDED p4', 'ADDED p5']);
  });

  it('ends only the watcher whose delivery throws', () => {
    const c = new ResourceCache(10, 1);
    let terminated = '';
    const bad: CacheWatcher = { filter: {}, deliver: () => { throw new Error('render failed'); }, terminate: (reason) => { terminated = reason; } };
    const good = recorder();
    c.watch(bad, 1);
    c.watch(good, 1);
    c.apply({ type: 'ADDED', entry: entry('a', 'p', 2), revision: 2 });
    expect(terminated).toContain('render failed');
    expect(good.seen).toEqual(['ADDED p']);
    expect(c.watcherCount).toBe(1);
  });
});
