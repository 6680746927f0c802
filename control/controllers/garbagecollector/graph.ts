import type { ApiObject, OwnerReference } from '../../../api/meta.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../../registry/rest/deletion-propagation.js';

/** Where an object is and which incarnation it is: the coordinates an ownerReference names, plus the namespace. */
export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  /** The object's namespace; for a virtual owner, its dependent's (namespaced owners live beside their dependents). */
  namespace?: string;
  name: string;
  uid: string;
}

export interface GraphNode {
  identity: ObjectIdentity;
  /** The object's ownerReferences as last observed. */
  owners: OwnerReference[];
  /** UIDs of the objects naming this one as an owner. */
  dependents: Set<string>;
  /** Known only from a dependent's ownerReference: never observed, so perhaps absent. */
  virtual: boolean;
  /** Has a deletionTimestamp and the foregroundDeletion finalizer: waits for its blocking dependents to go. */
  deletingDependents: boolean;
}

/** Work the graph asks for after a change: UIDs to look at (attemptToDelete) and owners whose dependents to orphan. */
export interface GraphEffects {
  attemptToDelete: Set<string>;
  attemptToOrphan: Set<string>;
}

const noEffects = (): GraphEffects => ({ attemptToDelete: new Set(), attemptToOrphan: new Set() });

export function identityOf(obj: ApiObject): ObjectIdentity {
  const m = obj.metadata;
  return { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', namespace: m.namespace, name: m.name ?? '', uid: m.uid ?? '' };
}

/**
 * The owner→dependents graph of kube's GraphBuilder, fed by informer events. Pure and synchronous: each change
 * returns the UIDs that now need a decision, which the collector verifies against the live API before acting.
 * An owner referenced before it is observed (or that never existed) is a virtual node, queued for verification.
 */
export class OwnerGraph {
  private readonly nodes = new Map<string, GraphNode>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** An object was added or updated. */
  observe(obj: ApiObject): GraphEffects {
    const fx = noEffects();
    const uid = obj.metadata.uid;
    if (!uid) return fx;
    let node = this.nodes.get(uid);
    if (!node || node.virtual) {
      node = { identity: identityOf(obj), owners: [], dependents: node?.dependents ?? new Set(), virtual: false, deletingDependents: false };
      this.nodes.set(uid, node);
    }
    this.updateOwners(node, obj.metadata.ownerReferences ?? [], fx);
    this.processTransitions(node, obj, fx);
    return fx;
  }

  /** An object is gone (deleted, or verified absent): its dependents need a decision, and so does an owner waiting for it. */
  forget(uid: string): GraphEffects {
    const fx = noEffects();
    const node = this.nodes.get(uid);
    if (!node) return fx;
    this.nodes.delete(uid);
    for (const ref of node.owners) this.removeDependent(ref.uid, uid, fx);
    for (const dep of node.dependents) fx.attemptToDelete.add(dep);
    return fx;
  }

  /** Dependents that keep a foreground-deleted owner: those whose reference to it has blockOwnerDeletion. */
  blockingDependents(ownerUid: string): GraphNode[] {
    const owner = this.nodes.get(ownerUid);
    if (!owner) return [];
    return [...owner.dependents]
      .map((uid) => this.nodes.get(uid))
      .filter((dep): dep is GraphNode => !!dep && dep.owners.some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true));
  }

  private updateOwners(node: GraphNode, owners: OwnerReference[], fx: GraphEffects): void {
    const before = new Map(node.owners.map((r) => [r.uid, r]));
    const after = new Map(owners.map((r) => [r.uid, r]));
    for (const [ownerUid, ref] of before) {
      const now = after.get(ownerUid);
      if (!now) this.removeDependent(ownerUid, node.identity.uid, fx);
      // A waiting owner may be free to go once a dependent stops blocking it.
      else if (ref.blockOwnerDeletion && !now.blockOwnerDeletion && this.nodes.get(ownerUid)?.deletingDependents) fx.attemptToDelete.add(ownerUid);
    }
    for (const [ownerUid, ref] of after) {
      if (before.has(ownerUid)) continue;
      let owner = this.nodes.get(ownerUid);
      if (!owner) {
        const identity = { apiVersion: ref.apiVersion, kind: ref.kind, namespace: node.identity.namespace, name: ref.name, uid: ownerUid };
        owner = { identity, owners: [], dependents: new Set(), virtual: true, deletingDependents: false };
        this.nodes.set(ownerUid, owner);
        fx.attemptToDelete.add(ownerUid);
      }
      owner.dependents.add(node.identity.uid);
    }
    node.owners = owners;
  }

  private removeDependent(ownerUid: string, dependentUid: string, fx: GraphEffects): void {
    const owner = this.nodes.get(ownerUid);
    if (!owner) return;
    owner.dependents.delete(dependentUid);
    if (owner.deletingDependents) fx.attemptToDelete.add(ownerUid);
    if (owner.virtual && owner.dependents.size === 0) this.nodes.delete(ownerUid);
  }

  private processTransitions(node: GraphNode, obj: ApiObject, fx: GraphEffects): void {
    const uid = node.identity.uid;
    const deleting = !!obj.metadata.deletionTimestamp;
    const finalizers = obj.metadata.finalizers ?? [];
    if (deleting && finalizers.includes(ORPHAN_FINALIZER)) fx.attemptToOrphan.add(uid);
    const waiting = deleting && finalizers.includes(FOREGROUND_FINALIZER);
    if (waiting) {
      // Starting to wait: every dependent must now be deleted (or released, if another owner keeps it).
      if (!node.deletingDependents) for (const dep of node.dependents) fx.attemptToDelete.add(dep);
      fx.attemptToDelete.add(uid);
    }
    node.deletingDependents = waiting;
  }
}
