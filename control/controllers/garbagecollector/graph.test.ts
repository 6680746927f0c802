import { describe, expect, it } from '@jest/globals';
import type { ApiObject, OwnerReference } from '../../../api/meta.js';
import { OwnerGraph, type GraphEffects } from './graph.js';

const ref = (uid: string, blockOwnerDeletion = false): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${uid}`, uid, blockOwnerDeletion });

function obj(uid: string, meta: Partial<ApiObject['metadata']> = {}): ApiObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `o-${uid}`, namespace: 'ns', uid, ...meta } };
}

const toDelete = (fx: GraphEffects): string[] => [...fx.attemptToDelete].sort();
const deleting = { deletionTimestamp: '2026-01-01T00:00:00Z' };

describe('OwnerGraph', () => {
  it('an owner named before it is observed is a virtual node queued for verification, then becomes real', () => {
    const g = new OwnerGraph();
    expect(toDelete(g.observe(obj('p1', { ownerReferences: [ref('rs')] })))).toEqual(['rs']);
    expect(g.get('rs')).toMatchObject({ virtual: true, identity: { kind: 'ReplicaSet', name: 'rs-rs', namespace: 'ns' } });
    // A second dependent of the same virtual owner does not queue it again.
    expect(toDelete(g.observe(obj('p2', { ownerReferences: [ref('rs')] })))).toEqual([]);
    g.observe({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs-rs', namespace: 'ns', uid: 'rs' } });
    expect(g.get('rs')).toMatchObject({ virtual: false });
    expect([...g.get('rs')!.dependents].sort()).toEqual(['p1', 'p2']);
  });

  it('a deleted owner queues its dependents; a virtual owner left without dependents leaves the graph', () => {
    const g = new OwnerGraph();
    g.observe(obj('rs'));
    g.observe(obj('p1', { ownerReferences: [ref('rs')] }));
    g.observe(obj('p2', { ownerReferences: [ref('rs'), ref('ghost')] }));
    expect(toDelete(g.forget('rs'))).toEqual(['p1', 'p2']);
    expect(g.get('rs')).toBeUndefined();
    g.observe(obj('p2', { ownerReferences: [] }));
    expect(g.get('ghost')).toBeUndefined();
    expect(g.size).toBe(2);
  });

  it('foreground deletion queues every dependent and the owner once; a blocking dependent that goes re-queues the owner', () => {
    const g = new OwnerGraph();
    g.observe(obj('rs'));
    g.observe(obj('p1', { ownerReferences: [ref('rs', true)] }));
    g.observe(obj('p2', { ownerReferences: [ref('rs', false)] }));
    expect(toDelete(g.observe(obj('rs', { ...deleting, finalizers: ['foregroundDeletion'] })))).toEqual(['p1', 'p2', 'rs']);
    expect(g.get('rs')!.deletingDependents).toBe(true);
    expect(g.blockingDependents('rs').map((n) => n.identity.uid)).toEqual(['p1']);
    // A later update while still waiting looks at the owner again, not at every dependent.
    expect(toDelete(g.observe(obj('rs', { ...deleting, finalizers: ['foregroundDeletion', 'x/y'] })))).toEqual(['rs']);
    expect(toDelete(g.forget('p1'))).toEqual(['rs']);
    expect(g.blockingDependents('rs')).toEqual([]);
  });

  it('a dependent that stops blocking or drops the reference re-queues a waiting owner', () => {
    const g = new OwnerGraph();
    g.observe(obj('rs'));
    g.observe(obj('p1', { ownerReferences: [ref('rs', true)] }));
    g.observe(obj('rs', { ...deleting, finalizers: ['foregroundDeletion'] }));
    expect(toDelete(g.observe(obj('p1', { ownerReferences: [ref('rs', false)] })))).toEqual(['rs']);
    expect(toDelete(g.observe(obj('p1', { ownerReferences: [] })))).toEqual(['rs']);
    expect(g.get('rs')!.dependents.size).toBe(0);
  });

  it('an owner deleted with the orphan finalizer is queued for orphaning', () => {
    const g = new OwnerGraph();
    g.observe(obj('p1', { ownerReferences: [ref('rs')] }));
    expect([...g.observe(obj('rs', { ...deleting, finalizers: ['orphan'] })).attemptToOrphan]).toEqual(['rs']);
    expect([...g.observe(obj('rs', { finalizers: ['orphan'] })).attemptToOrphan]).toEqual([]);
  });
});
