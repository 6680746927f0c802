/**
 * Which ReplicaSet of a Deployment is "new" (runs the current template) and how a new one is made:
 * name `<deployment>-<pod-template-hash>`, the hash label added to its labels, selector and template,
 * and the revision annotation one above every old ReplicaSet's (kube's deployment util).
 */
import type { OwnerReference } from '../../../api/meta.js';
import type { Deployment, ReplicaSet } from '../../../api/types/apps.js';
import type { PodTemplateSpec } from '../../../api/types/core.js';
import { semanticEqual } from '../../../api/kinds/util.js';
import {
  DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, NOT_COPIED_ANNOTATIONS, POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION,
} from './constants.js';
import { byCreation, specReplicas, statusReplicas } from './replica-counts.js';
import { desiredReplicas, maxSurge } from './rolling.js';

/** Templates equal but for the pod-template-hash label (a ReplicaSet's template carries it, the Deployment's does not). */
export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  const strip = (t: PodTemplateSpec): PodTemplateSpec => {
    const labels = { ...(t.metadata?.labels ?? {}) };
    delete labels[POD_TEMPLATE_HASH_LABEL];
    return { ...t, metadata: { ...t.metadata, labels } };
  };
  return semanticEqual(strip(a), strip(b));
}

/** JSON with sorted keys: equal templates hash equally whatever order their fields arrived in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** kube's rand.SafeEncodeString alphabet: no vowels (no words), no easily confused characters. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a (32 bit), the hash kube's ComputeHash uses. */
function fnv32a(bytes: Buffer): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** The pod-template-hash of a template; `collisionCount` changes it when a name is already taken by a stranger. */
export function podTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  let bytes = Buffer.from(canonicalJson(template));
  if (collisionCount !== undefined) {
    const count = Buffer.alloc(8);
    count.writeUInt32LE(collisionCount >>> 0);
    bytes = Buffer.concat([bytes, count]);
  }
  return [...String(fnv32a(bytes))].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

export function revisionOf(rs: ReplicaSet): number {
  const n = Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export const maxRevision = (list: readonly ReplicaSet[]): number => list.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

/** The oldest ReplicaSet running the Deployment's current template (there should be at most one). */
export function findNewReplicaSet(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

export function controllerRef(d: Deployment): OwnerReference {
  return { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name!, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** The desired-replicas and max-replicas annotations, set to what the Deployment asks now; true when they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, d: Deployment): boolean {
  const desired = String(desiredReplicas(d));
  const max = String(desiredReplicas(d) + maxSurge(d));
  const annotations = rs.metadata.annotations ?? {};
  if (annotations[DESIRED_REPLICAS_ANNOTATION] === desired && annotations[MAX_REPLICAS_ANNOTATION] === max) return false;
  rs.metadata.annotations = { ...annotations, [DESIRED_REPLICAS_ANNOTATION]: desired, [MAX_REPLICAS_ANNOTATION]: max };
  return true;
}

/**
 * Brings a (new or now-current) ReplicaSet's annotations up to date: the Deployment's own annotations
 * (change-cause among them), and `revision` when it is higher than the one held; a ReplicaSet brought back
 * by a rollback keeps its former revisions in revision-history. True when anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, revision: number, exists: boolean): boolean {
  const annotations = { ...(rs.metadata.annotations ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED_ANNOTATIONS.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const old = annotations[REVISION_ANNOTATION];
  if ((Number(old ?? 0) || 0) < revision) {
    annotations[REVISION_ANNOTATION] = String(revision);
    if (old) {
      const history = annotations[REVISION_HISTORY_ANNOTATION];
      annotations[REVISION_HISTORY_ANNOTATION] = history ? `${history},${old}` : old;
    }
    changed = true;
  }
  rs.metadata.annotations = annotations;
  if (!exists && setReplicasAnnotations(rs, d)) changed = true;
  return changed;
}

/** The ReplicaSet a Deployment's current template needs, before its size is decided. */
export function buildNewReplicaSet(d: Deployment, collisionCount?: number): ReplicaSet {
  const hash = podTemplateHash(d.spec.template, collisionCount);
  const labels = { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const template: PodTemplateSpec = structuredClone(d.spec.template);
  template.metadata = { ...template.metadata, labels };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, labels, ownerReferences: [controllerRef(d)] },
    spec: {
      replicas: 0,
      ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
      selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } },
      template,
    },
  };
}

/**
 * Old ReplicaSets beyond revisionHistoryLimit that may go: lowest revision first, only those fully scaled
 * down and observed so (never one that still has pods or is already being deleted).
 */
export function replicaSetsToCleanUp(d: Deployment, oldRSs: readonly ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined) return [];
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const excess = alive.length - limit;
  if (excess <= 0) return [];
  return [...alive]
    .sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b))
    .slice(0, excess)
    .filter((rs) => statusReplicas(rs) === 0 && specReplicas(rs) === 0 && (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0));
}
