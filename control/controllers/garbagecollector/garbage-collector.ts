import type { ApiObject, OwnerReference } from '../../../api/meta.js';
import type { ResourceType } from '../../../api/resources.js';
import type { ApiClient } from '../../client/client.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/work-queue.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../../registry/rest/deletion-propagation.js';
import { OwnerGraph, type GraphEffects, type GraphNode } from './graph.js';
import { LiveObjects, typeOfReference } from './live-objects.js';
import { MetadataClient } from './metadata-client.js';
import { planDependent, type OwnerCheck } from './plan.js';

/** Kinds the collector neither watches nor collects, as kube ignores Events: plentiful, and never owners. */
const IGNORED_KINDS = new Set(['Event']);
/** Owners verified absent, remembered so that many dependents of one gone owner cost one GET. */
const ABSENT_OWNERS_REMEMBERED = 1024;

export const Reasons = {
  /** A dependent is deleted because every owner is gone (or deleting in the foreground). */
  GarbageCollected: 'GarbageCollected',
  /** References to gone owners are dropped from an object that other owners keep. */
  OwnerRefRemoved: 'OwnerRefRemoved',
  /** A foreground-deleted owner waits for dependents with blockOwnerDeletion. */
  WaitingForDependents: 'WaitingForDependents',
  /** The orphan policy released every dependent; the owner goes. */
  DependentsOrphaned: 'DependentsOrphaned',
  /** kube's reason: a cluster-scoped object names a namespaced owner, which cannot exist. */
  OwnerRefInvalidNamespace: 'OwnerRefInvalidNamespace',
  /** An owner reference names a kind this cluster does not serve. */
  OwnerRefUnknownKind: 'OwnerRefUnknownKind',
} as const;

export interface GarbageCollectorOptions {
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Concurrent deciders (kube's --concurrent-gc-syncs, default 20). */
  workers?: number;
}

/**
 * kube-controller-manager's garbage collector: watches every kind (metadata only) into an owner→dependents
 * graph; an object all of whose owners are gone is deleted; a foreground-deleted owner loses its
 * `foregroundDeletion` finalizer once its blocking dependents are gone; an orphan-deleted owner is removed
 * from its dependents' ownerReferences, then loses its `orphan` finalizer. The graph only says what to look
 * at: every decision is re-checked with live GETs, so a stale cache never deletes anything.
 */
export class GarbageCollector {
  private readonly graph = new OwnerGraph();
  private readonly informers: Informer[];
  private readonly attemptToDelete = new WorkQueue<string>();
  private readonly attemptToOrphan = new WorkQueue<string>();
  private readonly absentOwners = new Set<string>();
  private readonly live: LiveObjects;
  private readonly recorder: EventRecorder;
  private readonly workers: Promise<void>[] = [];

  constructor(client: ApiClient, types: ResourceType[], private readonly opts: GarbageCollectorOptions = {}) {
    this.live = new LiveObjects(client);
    this.recorder = new EventRecorder(client, { component: 'garbage-collector-controller' });
    this.informers = types.filter((t) => !IGNORED_KINDS.has(t.kind)).map((t) => {
      const informer = new Informer(new MetadataClient(client.transport, t));
      informer.on('add', (obj) => this.apply(this.graph.observe(obj)));
      informer.on('update', (old, obj) => {
        // A relist can fold a delete and a re-create under one name into an update: the old incarnation is gone.
        if (old.metadata.uid !== obj.metadata.uid) this.apply(this.graph.forget(old.metadata.uid ?? ''));
        this.apply(this.graph.observe(obj));
      });
      informer.on('delete', (obj) => this.apply(this.graph.forget(obj.metadata.uid ?? '')));
      return informer;
    });
  }

  /** Starts once every informer has listed, so the first decisions see the whole graph. */
  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
    const n = this.opts.workers ?? 8;
    for (let i = 0; i < n; i++) this.workers.push(this.work(this.attemptToDelete, (uid) => this.attemptToDeleteItem(uid)));
    for (let i = 0; i < Math.max(1, n / 4); i++) this.workers.push(this.work(this.attemptToOrphan, (uid) => this.orphanDependents(uid)));
  }

  async stop(): Promise<void> {
    this.attemptToDelete.shutDown();
    this.attemptToOrphan.shutDown();
    await Promise.all(this.informers.map((i) => i.stop()));
    await Promise.all(this.workers);
    await this.recorder.flush();
  }

  private apply(fx: GraphEffects): void {
    for (const uid of fx.attemptToDelete) this.attemptToDelete.add(uid);
    for (const uid of fx.attemptToOrphan) this.attemptToOrphan.add(uid);
  }

  private async work(queue: WorkQueue<string>, process: (uid: string) => Promise<void>): Promise<void> {
    for (;;) {
      const uid = await queue.get();
      if (uid === undefined) return;
      try {
        await process(uid);
        queue.forget(uid);
      } catch (err) {
        this.opts.log?.('garbage-collector: failed; retrying', { uid, error: (err as Error).message });
        queue.addRateLimited(uid);
      } finally {
        queue.done(uid);
      }
    }
  }

  /** Reads the node's object live; a node whose object is absent (or another incarnation) leaves the graph. */
  private async fetch(node: GraphNode): Promise<{ type: ResourceType; obj: ApiObject } | undefined> {
    const { apiVersion, kind, namespace, name, uid } = node.identity;
    const type = typeOfReference(apiVersion, kind);
    if (!type || (type.namespaced && !namespace)) {
      // A reference that cannot be looked up: its dependents' own checks say why (in an event) and keep them.
      if (node.virtual) for (const dep of node.dependents) this.attemptToDelete.add(dep);
      return undefined;
    }
    const obj = await this.live.get(type, namespace, name, uid);
    if (!obj) {
      if (node.dependents.size) this.rememberAbsent(absentKey(type, namespace, name, uid));
      this.apply(this.graph.forget(uid));
      return undefined;
    }
    return { type, obj };
  }

  /** kube's attemptToDeleteItem: verify a virtual node, finish a foreground deletion, or collect a dependent. */
  private async attemptToDeleteItem(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) return;
    const found = await this.fetch(node);
    // A virtual node that exists will be observed by its informer; nothing to do until then.
    if (!found || node.virtual) return;
    const { type, obj } = found;
    const finalizers = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp) {
      if (finalizers.includes(FOREGROUND_FINALIZER)) await this.finishForeground(node, type, obj);
      return;
    }
    const refs = obj.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const checks = await Promise.all(refs.map(async (ref): Promise<OwnerCheck> => ({ ref, state: await this.checkOwner(ref, obj) })));
    const action = planDependent(checks, { finalizers, hasDependents: node.dependents.size > 0 });
    if (action.type === 'keep') return;
    const names = checks.filter((c) => c.state !== 'solid').map((c) => `${c.ref.kind} ${c.ref.name} (${c.state === 'waiting' ? 'deleting in the foreground' : 'gone'})`).join(', ');
    if (action.type === 'removeOwnerReferences') {
      await this.live.setMetadataList(type, obj, 'ownerReferences', refs.filter((r) => !action.uids.includes(r.uid)));
      this.recorder.record(obj, 'Normal', Reasons.OwnerRefRemoved, `Removed owner references to ${names}; other owners keep this object`);
      return;
    }
    const mayCycle = action.policy === 'Foreground' && [...node.dependents].some((d) => this.graph.get(d)?.deletingDependents);
    if (mayCycle && refs.some((r) => r.blockOwnerDeletion)) {
      // A dependent of this object waits for its own dependents too: perhaps a cycle, where each would wait
      // for the other forever. As kube does, this object stops blocking its owners before it waits.
      await this.live.setMetadataList(type, obj, 'ownerReferences', refs.map((r) => (r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r)));
    }
    this.recorder.record(obj, 'Normal', Reasons.GarbageCollected, `Deleting (${action.policy}): its owners are gone or being deleted: ${names}`);
    await this.live.delete(type, obj, action.policy);
  }

  /** An owner deleted in the foreground goes once no dependent blocks it; meanwhile its blocking dependents are pushed along. */
  private async finishForeground(node: GraphNode, type: ResourceType, obj: ApiObject): Promise<void> {
    const blocking = this.graph.blockingDependents(node.identity.uid);
    if (blocking.length === 0) {
      await this.live.setMetadataList(type, obj, 'finalizers', (obj.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND_FINALIZER));
      return;
    }
    const listed = blocking.slice(0, 5).map((d) => `${d.identity.kind} ${d.identity.name}`).join(', ');
    this.recorder.record(obj, 'Normal', Reasons.WaitingForDependents,
      `Waiting for ${blocking.length} dependent(s) with blockOwnerDeletion to be deleted: ${listed}${blocking.length > 5 ? ', ...' : ''}`);
    for (const dep of blocking) if (!dep.deletingDependents) this.attemptToDelete.add(dep.identity.uid);
  }

  /** Classifies one owner reference of `dependent` with a live GET (or the absent-owner memory). */
  private async checkOwner(ref: OwnerReference, dependent: ApiObject): Promise<OwnerCheck['state']> {
    const type = typeOfReference(ref.apiVersion, ref.kind);
    if (!type) {
      this.recorder.record(dependent, 'Warning', Reasons.OwnerRefUnknownKind, `Owner reference to ${ref.apiVersion} ${ref.kind} ${ref.name} names a kind this cluster does not serve; it is ignored`);
      return 'unresolvable';
    }
    const namespace = dependent.metadata.namespace;
    if (type.namespaced && !namespace) {
      this.recorder.record(dependent, 'Warning', Reasons.OwnerRefInvalidNamespace, `ownerRef ${JSON.stringify(ref)} does not exist in namespace ""`);
      return 'unresolvable';
    }
    const key = absentKey(type, namespace, ref.name, ref.uid);
    if (this.absentOwners.has(key)) return 'dangling';
    const owner = await this.live.get(type, namespace, ref.name, ref.uid);
    if (!owner) {
      this.rememberAbsent(key);
      return 'dangling';
    }
    const waiting = owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER);
    return waiting ? 'waiting' : 'solid';
  }

  private rememberAbsent(key: string): void {
    this.absentOwners.add(key);
    if (this.absentOwners.size > ABSENT_OWNERS_REMEMBERED) this.absentOwners.delete(this.absentOwners.values().next().value!);
  }

  /** The orphan policy: drop the owner from each dependent's ownerReferences, then the owner's `orphan` finalizer. */
  private async orphanDependents(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) return;
    const found = await this.fetch(node);
    if (!found || !found.obj.metadata.deletionTimestamp || !found.obj.metadata.finalizers?.includes(ORPHAN_FINALIZER)) return;
    let released = 0;
    for (const depUid of [...node.dependents]) {
      const dep = this.graph.get(depUid);
      const depType = dep && typeOfReference(dep.identity.apiVersion, dep.identity.kind);
      if (!dep || !depType) continue;
      const obj = await this.live.get(depType, dep.identity.namespace, dep.identity.name, depUid);
      const refs = obj?.metadata.ownerReferences ?? [];
      if (!obj || !refs.some((r) => r.uid === uid)) continue;
      await this.live.setMetadataList(depType, obj, 'ownerReferences', refs.filter((r) => r.uid !== uid));
      released++;
    }
    const { type, obj } = found;
    await this.live.setMetadataList(type, obj, 'finalizers', (obj.metadata.finalizers ?? []).filter((f) => f !== ORPHAN_FINALIZER));
    this.recorder.record(obj, 'Normal', Reasons.DependentsOrphaned, `Removed this object from the owner references of ${released} dependent(s), which stay`);
  }
}

function absentKey(type: ResourceType, namespace: string | undefined, name: string, uid: string): string {
  return `${type.group}/${type.kind}/${type.namespaced ? namespace ?? '' : ''}/${name}/${uid}`;
}
