import { isDeepStrictEqual } from 'node:util';
import { ApiError } from '../../../api/errors.js';
import { labelSelectorFromObject, type Selector } from '../../../api/selectors.js';
import type { ReplicaSet } from '../../../api/types/apps.js';
import type { Pod } from '../../../api/types/core.js';
import type { ApiClient } from '../../client/client.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { Informer, objectKey } from '../../client/informer.js';
import type { ResourceClient } from '../../client/resource-client.js';
import { ControllerLoop, type Reconciler } from '../controller.js';
import { adoptPatch, controllerRefOf, planClaims, releasePatch } from './controller-ref.js';
import { Expectations } from './expectations.js';
import { podFromTemplate, REPLICASET_TYPE } from './pod-template.js';
import { isPodActive } from './pod-state.js';
import { podsToDelete } from './pod-ranking.js';
import { computeStatus, REASON_FAILED_CREATE, REASON_FAILED_DELETE, type ManageFailure } from './replica-status.js';
import { slowStartBatch, SLOW_START_INITIAL_BATCH } from './slow-start.js';
import { checkCanAdopt } from '../can-adopt.js';

export const REASON_SUCCESSFUL_CREATE = 'SuccessfulCreate';
export const REASON_SUCCESSFUL_DELETE = 'SuccessfulDelete';
/** kube's BurstReplicas: pods created or deleted in one sync at most; the rest come in the next. */
export const BURST_REPLICAS = 500;

/** Pods by the uid their controllerRef names. */
const CONTROLLER_UID_INDEX = 'controllerUid';

export interface ReplicaSetControllerOptions {
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  burstReplicas?: number;
  workers?: number;
  now?: () => number;
}

/** A ReplicaSet with its type set (list items may lack it), as controllerRefs and Events name it. */
type TypedReplicaSet = ReplicaSet & typeof REPLICASET_TYPE;

const messageOf = (err: unknown): string => (err as Error)?.message ?? String(err);
const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.code === 404;

/**
 * kube-controller-manager's ReplicaSet controller: keeps `spec.replicas` active pods matching each ReplicaSet's
 * selector, controlled through ownerReferences (adopting matching orphans, releasing pods that stop matching).
 * Creations go in slow-start batches and are bounded per sync; expectations hold back the next create or
 * delete until the informer has seen the last ones. Reads only caches; every write carries a resourceVersion.
 */
export class ReplicaSetController implements Reconciler {
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly rsClient: ResourceClient<ReplicaSet>;
  private readonly loop: ControllerLoop<ReplicaSet>;
  private readonly events: EventRecorder;
  private readonly now: () => number;
  readonly expectations: Expectations;
  /**
   * Pods created since the owner's expectations were last satisfied, by owner: counted in status (with the
   * cached pods) meanwhile, so the status neither lags a long slow start nor goes back when the next sync
   * reads a cache still behind its own creations. Once expectations are satisfied the cache holds them all.
   */
  private readonly unseen = new Map<string, Map<string, Pod>>();

  constructor(client: ApiClient, private readonly opts: ReplicaSetControllerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.expectations = new Expectations(this.now);
    this.rsClient = client.resource<ReplicaSet>('replicasets');
    this.podClient = client.resource<Pod>('pods');
    this.replicaSets = new Informer(this.rsClient);
    this.pods = new Informer(this.podClient);
    this.pods.addIndexer(CONTROLLER_UID_INDEX, (pod) => {
      const ref = controllerRefOf(pod);
      return ref ? [ref.uid] : [];
    });
    this.events = new EventRecorder(client, { component: 'replicaset-controller' });
    this.loop = new ControllerLoop(this.replicaSets, this, { name: 'replicaset-controller', log: opts.log, workers: opts.workers });
    this.pods.on('add', (pod) => this.onPodAdded(pod));
    this.pods.on('update', (old, pod) => this.onPodUpdated(old, pod));
    this.pods.on('delete', (pod) => this.onPodDeleted(pod));
  }

  async start(): Promise<void> {
    await this.pods.start();
    await this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.pods.stop();
    await this.events.flush();
  }

  /** The key of the ReplicaSet in the cache that `pod`'s controllerRef names, if any. */
  private ownerKeyOf(pod: Pod): string | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== REPLICASET_TYPE.kind || !ref.apiVersion.startsWith('apps/')) return undefined;
    const key = `${pod.metadata.namespace}/${ref.name}`;
    return this.replicaSets.get(key)?.metadata.uid === ref.uid ? key : undefined;
  }

  /** An orphan may be adopted by any ReplicaSet in its namespace whose selector matches it. */
  private enqueueMatchingOwners(pod: Pod): void {
    for (const rs of this.replicaSets.byIndex('namespace', pod.metadata.namespace ?? '')) {
      if (selectorOf(rs)?.matches(pod.metadata.labels ?? {})) this.loop.enqueue(objectKey(rs));
    }
  }

  private onPodAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) return this.onPodDeleted(pod);
    const owner = this.ownerKeyOf(pod);
    if (owner) {
      this.expectations.creationObserved(owner);
      this.loop.enqueue(owner);
    } else if (!controllerRefOf(pod)) {
      this.enqueueMatchingOwners(pod);
    }
  }

  private onPodUpdated(old: Pod, pod: Pod): void {
    const relabelled = !isDeepStrictEqual(old.metadata.labels ?? {}, pod.metadata.labels ?? {});
    if (pod.metadata.deletionTimestamp) {
      // Marked for deletion (graceful): counts as deleted from now on, as kube does.
      this.onPodDeleted(pod);
      if (relabelled) this.onPodDeleted(old);
      return;
    }
    const oldOwner = this.ownerKeyOf(old);
    const owner = this.ownerKeyOf(pod);
    if (oldOwner && oldOwner !== owner) this.loop.enqueue(oldOwner);
    if (owner) this.loop.enqueue(owner);
    else if (!controllerRefOf(pod) && (relabelled || oldOwner)) this.enqueueMatchingOwners(pod);
  }

  private onPodDeleted(pod: Pod): void {
    const owner = this.ownerKeyOf(pod);
    if (!owner) return;
    this.unseen.get(owner)?.delete(objectKey(pod));
    this.expectations.deletionObserved(owner, objectKey(pod));
    this.loop.enqueue(owner);
  }

  async reconcile(key: string): Promise<number | undefined> {
    const cached = this.replicaSets.get(key);
    if (!cached) {
      this.expectations.delete(key);
      this.unseen.delete(key);
      return undefined;
    }
    const rs: TypedReplicaSet = { ...cached, ...REPLICASET_TYPE };
    const selector = selectorOf(rs);
    if (!selector) {
      this.opts.log?.('replicaset-controller: invalid selector; skipping', { key });
      return undefined;
    }
    const needsSync = this.expectations.satisfied(key);
    // Satisfied: every creation was seen, or the expectation expired (a lost event): nothing is unseen any more.
    if (needsSync) this.unseen.delete(key);
    const candidates = this.pods.byIndex('namespace', rs.metadata.namespace ?? '').filter(isPodActive);
    const pods = await this.claimPods(rs, selector, candidates);
    const counted = (): Pod[] => {
      const known = new Set(pods.map(objectKey));
      const unseen = this.unseen.get(key);
      const extra: Pod[] = [];
      for (const [podKey, created] of unseen ?? []) {
        if (known.has(podKey)) continue;
        const cached = this.pods.get(podKey);
        if (!cached) extra.push(created);
        // The cache has it (maybe after this sync's snapshot): the cache is the truth from now on, so a pod that
        // failed, is terminating or was released no longer counts.
        else if (isPodActive(cached) && controllerRefOf(cached)?.uid === rs.metadata.uid) extra.push(cached);
        else unseen!.delete(podKey);
      }
      return [...pods, ...extra];
    };
    let stored = rs;
    const reportProgress = async (): Promise<void> => {
      // Best effort between batches (e.g. a Deployment scaled the ReplicaSet meanwhile): the final write reports anyway.
      stored = (await this.writeStatus(stored, counted()).catch(() => ({ stored }))).stored;
    };
    const failure = needsSync && !rs.metadata.deletionTimestamp ? await this.manageReplicas(key, rs, pods, reportProgress) : undefined;
    const { recheckInMs } = await this.writeStatus(stored, counted(), failure);
    if (failure) throw new Error(failure.message);
    return recheckInMs;
  }

  /** Writes the status `pods` give, if it changed; returns the ReplicaSet as stored and when to look again. */
  private async writeStatus(rs: TypedReplicaSet, pods: Pod[], failure?: ManageFailure): Promise<{ stored: TypedReplicaSet; recheckInMs?: number }> {
    const { status, recheckInMs } = computeStatus(rs, pods, this.now(), failure);
    if (isDeepStrictEqual(rs.status, status)) return { stored: rs, recheckInMs };
    return { stored: { ...(await this.rsClient.updateStatus({ ...rs, status })), ...REPLICASET_TYPE }, recheckInMs };
  }

  /** Adopts matching orphans and releases controlled pods that stopped matching; returns the pods `rs` controls. */
  private async claimPods(rs: TypedReplicaSet, selector: Selector, pods: Pod[]): Promise<Pod[]> {
    const plan = planClaims(rs, selector, pods);
    if (plan.adopt.length) await checkCanAdopt(this.rsClient, rs);
    const ns = rs.metadata.namespace;
    const patch = (pod: Pod, body: object): Promise<Pod> => this.podClient.patch(pod.metadata.name!, body, 'application/strategic-merge-patch+json', ns);
    const results = await Promise.allSettled([
      ...plan.adopt.map(async (pod) => { plan.owned.push(await patch(pod, adoptPatch(rs, pod))); }),
      ...plan.release.map((pod) => patch(pod, releasePatch(rs, pod))),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isNotFound(r.reason));
    if (failed) throw failed.reason;
    return plan.owned;
  }

  /** Creates or deletes pods towards `spec.replicas`; returns what failed, if anything. `betweenBatches` runs between slow-start batches. */
  private async manageReplicas(key: string, rs: ReplicaSet, pods: Pod[], betweenBatches: () => Promise<void>): Promise<ManageFailure | undefined> {
    const diff = pods.length - (rs.spec.replicas ?? 1);
    const burst = this.opts.burstReplicas ?? BURST_REPLICAS;
    if (diff < 0) {
      const count = Math.min(-diff, burst);
      this.expectations.expectCreations(key, count);
      const result = await slowStartBatch(count, SLOW_START_INITIAL_BATCH, () => this.createPod(key, rs), betweenBatches);
      // Creations that were never attempted will never be observed.
      if (result.skipped) this.expectations.creationObserved(key, result.skipped);
      if (result.error !== undefined) return { reason: REASON_FAILED_CREATE, message: messageOf(result.error) };
    } else if (diff > 0) {
      const victims = podsToDelete(pods, Math.min(diff, burst));
      this.expectations.expectDeletions(key, victims.map(objectKey));
      const results = await Promise.allSettled(victims.map((pod) => this.deletePod(key, rs, pod)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) return { reason: REASON_FAILED_DELETE, message: messageOf(failed.reason) };
    }
    return undefined;
  }

  private async createPod(key: string, rs: ReplicaSet): Promise<void> {
    try {
      const pod = await this.podClient.create(podFromTemplate(rs));
      // Even if the informer showed it already (its event can beat this response): this sync's snapshot lacks it.
      let unseen = this.unseen.get(key);
      if (!unseen) this.unseen.set(key, (unseen = new Map()));
      unseen.set(objectKey(pod), pod);
      this.events.record(rs, 'Normal', REASON_SUCCESSFUL_CREATE, `Created pod: ${pod.metadata.name}`);
    } catch (err) {
      this.expectations.creationObserved(key);
      this.events.record(rs, 'Warning', REASON_FAILED_CREATE, `Error creating: ${messageOf(err)}`);
      throw err;
    }
  }

  private async deletePod(key: string, rs: ReplicaSet, pod: Pod): Promise<void> {
    try {
      await this.podClient.delete(pod.metadata.name!, pod.metadata.namespace);
      this.events.record(rs, 'Normal', REASON_SUCCESSFUL_DELETE, `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      this.expectations.deletionObserved(key, objectKey(pod));
      if (isNotFound(err)) return;
      this.events.record(rs, 'Warning', REASON_FAILED_DELETE, `Error deleting: ${messageOf(err)}`);
      throw err;
    }
  }
}

/** The ReplicaSet's selector, or undefined when it cannot be parsed (validation normally prevents that). */
function selectorOf(rs: ReplicaSet): Selector | undefined {
  try {
    return labelSelectorFromObject(rs.spec.selector);
  } catch {
    return undefined;
  }
}
