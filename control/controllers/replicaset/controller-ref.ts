/**
 * Ownership of pods by a controller (kube's ControllerRefManager): a pod belongs to the owner its
 * `controller: true` ownerReference names. Orphans that match an owner's selector are adopted; owned
 * pods whose labels stopped matching are released. Decisions are pure; the patches are applied apart.
 */
import type { OwnerReference } from '../../../api/meta.js';
import type { Selector } from '../../../api/selectors.js';
import type { Pod } from '../../../api/types/core.js';

/** The owner as a controllerRef names it. */
export interface Owner {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; uid?: string; deletionTimestamp?: string };
}

export function controllerRefOf(pod: Pod): OwnerReference | undefined {
  return pod.metadata.ownerReferences?.find((r) => r.controller);
}

/** The reference a controlled pod carries; blockOwnerDeletion makes foreground deletion of the owner wait for it. */
export function newControllerRef(owner: Owner): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export interface ClaimPlan {
  /** Pods the owner controls and that still match. */
  owned: Pod[];
  /** Matching orphans to adopt (owned once adopted). */
  adopt: Pod[];
  /** Controlled pods that no longer match. */
  release: Pod[];
}

/** Sorts `pods` (the owner's namespace) into what the owner keeps, adopts and releases. A deleting owner adopts and releases nothing. */
export function planClaims(owner: Owner, selector: Selector, pods: readonly Pod[]): ClaimPlan {
  const plan: ClaimPlan = { owned: [], adopt: [], release: [] };
  const deleting = !!owner.metadata.deletionTimestamp;
  for (const pod of pods) {
    const matches = selector.matches(pod.metadata.labels ?? {});
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches) plan.owned.push(pod);
      else if (!deleting) plan.release.push(pod);
    } else if (matches && !deleting && !pod.metadata.deletionTimestamp) {
      plan.adopt.push(pod);
    }
  }
  return plan;
}

/**
 * Strategic merge patches that add or drop the controllerRef. Each carries the pod's uid and resourceVersion,
 * so it applies only to the pod as the decision saw it (a recreated or changed pod answers 409).
 */
export function adoptPatch(owner: Owner, pod: Pod): object {
  return { metadata: { ownerReferences: [newControllerRef(owner)], uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion } };
}

export function releasePatch(owner: Owner, pod: Pod): object {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid }], uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion } };
}
