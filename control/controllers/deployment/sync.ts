/**
 * One sync of one Deployment (kube's syncDeployment and the strategies it dispatches to). Decisions come
 * from the pure helpers beside this file; this class only applies them through the API, keeping its
 * working copies current with what each write returned, so later steps of the same sync see them.
 * Every write carries the resourceVersion it was computed from: a stale cache ends in a conflict and a retry.
 */
import { ApiError, Reason } from '../../../api/errors.js';
import { semanticEqual } from '../../../api/kinds/util.js';
import type { Deployment, ReplicaSet } from '../../../api/types/apps.js';
import type { Pod } from '../../../api/types/core.js';
import type { ApiClient } from '../../client/client.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { CONDITION_PROGRESSING, EVENT_FAILED_CREATE, EVENT_SCALING, REVISION_ANNOTATION, Reasons } from './constants.js';
import { isScalingEvent, proportionalScale } from './proportional.js';
import { activeReplicaSets, specReplicas, totalStatusReplicas } from './replica-counts.js';
import {
  buildNewReplicaSet, equalIgnoreHash, findNewReplicaSet, maxRevision, replicaSetsToCleanUp, revisionOf,
  setNewReplicaSetAnnotations, setReplicasAnnotations,
} from './replica-sets.js';
import { desiredReplicas, isRollingUpdate, newReplicaSetSize, oldReplicaSetSizes } from './rolling.js';
import {
  calculateStatus, deploymentComplete, getCondition, hasProgressDeadline, newCondition, pauseCondition,
  progressRecheckDelay, rolloutStatus, setCondition, type DeploymentStatusFull,
} from './status.js';

export interface SyncContext {
  client: ApiClient;
  events: EventRecorder;
  now: () => number;
}

interface Split { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }

const allOf = (oldRSs: ReplicaSet[], newRS: ReplicaSet | undefined): ReplicaSet[] => (newRS ? [...oldRSs, newRS] : oldRSs);

const isAlreadyExists = (err: unknown): boolean => err instanceof ApiError && err.reason === Reason.AlreadyExists;

export class DeploymentSync {
  private d: Deployment;
  private rsList: ReplicaSet[];

  /** `rsList` are the ReplicaSets the Deployment controls; `podsOf` gives the pods a ReplicaSet (by uid) controls. */
  constructor(private readonly ctx: SyncContext, d: Deployment, rsList: ReplicaSet[], private readonly podsOf: (rsUid: string) => Pod[]) {
    this.d = structuredClone(d);
    this.rsList = rsList;
  }

  /** Runs the sync; returns when to look again (a running progress deadline), if ever. */
  async run(): Promise<number | undefined> {
    if (this.d.metadata.deletionTimestamp) return this.syncStatusOnly();
    await this.checkPausedConditions();
    if (this.d.spec.paused || isScalingEvent(this.d, this.rsList)) return this.syncScaling();
    return isRollingUpdate(this.d) ? this.rolloutRolling() : this.rolloutRecreate();
  }

  private async rolloutRolling(): Promise<number | undefined> {
    const split = await this.split();
    let oldRSs = split.oldRSs;
    let newRS = split.newRS ?? await this.createNew(oldRSs);
    const replicas = desiredReplicas(this.d);
    const all = (): ReplicaSet[] => [...oldRSs, newRS];
    const target = specReplicas(newRS) > replicas ? replicas : newReplicaSetSize(this.d, all(), newRS);
    if (target !== specReplicas(newRS)) {
      newRS = await this.scaleAndRecord(newRS, target);
      return this.syncRolloutStatus(all(), newRS);
    }
    const sizes = oldReplicaSetSizes(this.d, all(), oldRSs, newRS);
    if (sizes.size) {
      for (const [name, size] of sizes) {
        const rs = oldRSs.find((r) => r.metadata.name === name)!;
        const scaled = await this.scaleAndRecord(rs, size);
        oldRSs = oldRSs.map((r) => (r === rs ? scaled : r));
      }
      return this.syncRolloutStatus(all(), newRS);
    }
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(oldRSs);
    return this.syncRolloutStatus(all(), newRS);
  }

  /** Old ReplicaSets to zero, then wait until none of their pods is left running, then the new one to full size. */
  private async rolloutRecreate(): Promise<number | undefined> {
    let { newRS, oldRSs } = await this.split();
    const active = activeReplicaSets(oldRSs);
    if (active.length) {
      const scaled = await Promise.all(active.map((rs) => this.scaleAndRecord(rs, 0)));
      oldRSs = oldRSs.map((r) => scaled.find((s) => s.metadata.uid === r.metadata.uid) ?? r);
      return this.syncRolloutStatus(allOf(oldRSs, newRS), newRS);
    }
    if (this.oldPodsRunning(newRS, oldRSs)) return this.syncRolloutStatus(allOf(oldRSs, newRS), newRS);
    newRS = await this.scaleAndRecord(newRS ?? await this.createNew(oldRSs), desiredReplicas(this.d));
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(oldRSs);
    return this.syncRolloutStatus(allOf(oldRSs, newRS), newRS);
  }

  /** Paused, or scaled by the user: resize proportionally without rolling anything. */
  private async syncScaling(): Promise<number | undefined> {
    let { newRS, oldRSs } = await this.split();
    for (const step of proportionalScale(this.d, newRS, oldRSs)) {
      const scaled = await this.scale(step.rs, step.replicas);
      if (step.rs === newRS) newRS = scaled;
      else oldRSs = oldRSs.map((r) => (r === step.rs ? scaled : r));
    }
    if (this.d.spec.paused) await this.cleanup(oldRSs);
    await this.writeStatus(calculateStatus(this.d, allOf(oldRSs, newRS), newRS, this.ctx.now()));
    return undefined;
  }

  private async syncStatusOnly(): Promise<undefined> {
    const { newRS, oldRSs } = await this.split();
    await this.writeStatus(calculateStatus(this.d, allOf(oldRSs, newRS), newRS, this.ctx.now()));
    return undefined;
  }

  private async syncRolloutStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<number | undefined> {
    const now = this.ctx.now();
    const status = rolloutStatus(this.d, allRSs, newRS, now);
    await this.writeStatus(status);
    return progressRecheckDelay(this.d, status, now);
  }

  private async checkPausedConditions(): Promise<void> {
    const cond = pauseCondition(this.d, this.ctx.now());
    if (!cond) return;
    const status: DeploymentStatusFull = structuredClone(this.d.status ?? {});
    setCondition(status, cond);
    await this.writeStatus(status);
  }

  /** Splits the ReplicaSets into the new one (brought up to date; undefined until created) and the old ones. */
  private async split(): Promise<Split> {
    const existing = findNewReplicaSet(this.d, this.rsList);
    const oldRSs = this.rsList.filter((rs) => rs !== existing);
    return { newRS: existing && await this.syncExistingNew(existing, maxRevision(oldRSs) + 1), oldRSs };
  }

  /** The current template's ReplicaSet already exists: bring its annotations (revision) and minReadySeconds up to date. */
  private async syncExistingNew(existing: ReplicaSet, revision: number): Promise<ReplicaSet> {
    const copy = structuredClone(existing);
    const annotated = setNewReplicaSetAnnotations(this.d, copy, revision, true);
    if (annotated || (copy.spec.minReadySeconds ?? 0) !== (this.d.spec.minReadySeconds ?? 0)) {
      copy.spec.minReadySeconds = this.d.spec.minReadySeconds ?? 0;
      return this.replaceRS(await this.ctx.client.resource<ReplicaSet>('replicasets').update(copy));
    }
    await this.setDeploymentRevision(revisionOf(existing));
    if (hasProgressDeadline(this.d) && !getCondition(this.d.status, CONDITION_PROGRESSING)) {
      const status: DeploymentStatusFull = structuredClone(this.d.status ?? {});
      setCondition(status, newCondition(CONDITION_PROGRESSING, 'True', Reasons.FoundNewReplicaSet, `Found new replica set "${existing.metadata.name}"`, this.ctx.now()));
      await this.writeStatus(status);
    }
    return existing;
  }

  /** Creates the ReplicaSet of the current template at revision max + 1, sized as far as the strategy allows now. */
  private async createNew(oldRSs: ReplicaSet[]): Promise<ReplicaSet> {
    const revision = maxRevision(oldRSs) + 1;
    const status = this.d.status as DeploymentStatusFull | undefined;
    const rs = buildNewReplicaSet(this.d, status?.collisionCount);
    rs.spec.replicas = newReplicaSetSize(this.d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(this.d, rs, revision, false);
    const replicasets = this.ctx.client.resource<ReplicaSet>('replicasets');
    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await replicasets.create(rs);
    } catch (err) {
      if (isAlreadyExists(err)) {
        const found = await replicasets.get(rs.metadata.name!, rs.metadata.namespace);
        const ours = found.metadata.ownerReferences?.some((r) => r.controller && r.uid === this.d.metadata.uid);
        if (!ours || !equalIgnoreHash(found.spec.template, this.d.spec.template)) {
          // A stranger holds the name: a new hash next time.
          await this.writeStatus({ ...structuredClone(this.d.status ?? {}), collisionCount: (status?.collisionCount ?? 0) + 1 });
          throw err;
        }
        created = found;
        alreadyExisted = true;
      } else {
        await this.recordCreateFailure(rs, err as Error);
        throw err;
      }
    }
    if (!alreadyExisted && specReplicas(created) > 0) {
      this.ctx.events.record(this.d, 'Normal', EVENT_SCALING, `Scaled up replica set ${created.metadata.name} from 0 to ${specReplicas(created)}`);
    }
    this.rsList = [...this.rsList.filter((r) => r.metadata.name !== created.metadata.name), created];
    await this.setDeploymentRevision(revision);
    if (!alreadyExisted && hasProgressDeadline(this.d)) {
      const next: DeploymentStatusFull = structuredClone(this.d.status ?? {});
      setCondition(next, newCondition(CONDITION_PROGRESSING, 'True', Reasons.NewReplicaSetCreated, `Created new replica set "${created.metadata.name}"`, this.ctx.now()));
      await this.writeStatus(next);
    }
    return created;
  }

  private async recordCreateFailure(rs: ReplicaSet, err: Error): Promise<void> {
    const message = `Failed to create new replica set "${rs.metadata.name}": ${err.message}`;
    this.ctx.events.record(this.d, 'Warning', EVENT_FAILED_CREATE, message);
    if (!hasProgressDeadline(this.d)) return;
    const status: DeploymentStatusFull = structuredClone(this.d.status ?? {});
    setCondition(status, newCondition(CONDITION_PROGRESSING, 'False', Reasons.FailedRSCreate, message, this.ctx.now()));
    await this.writeStatus(status);
  }

  /** Scales unless already at `size`, with an event. */
  private async scaleAndRecord(rs: ReplicaSet, size: number): Promise<ReplicaSet> {
    return specReplicas(rs) === size ? rs : this.scale(rs, size);
  }

  /** Sets the size and the desired/max-replicas annotations (written when either changed); an event when the size did. */
  private async scale(rs: ReplicaSet, size: number): Promise<ReplicaSet> {
    const copy = structuredClone(rs);
    const from = specReplicas(rs);
    copy.spec.replicas = size;
    const annotated = setReplicasAnnotations(copy, this.d);
    if (from === size && !annotated) return rs;
    const updated = this.replaceRS(await this.ctx.client.resource<ReplicaSet>('replicasets').update(copy));
    if (from !== size) {
      this.ctx.events.record(this.d, 'Normal', EVENT_SCALING, `Scaled ${size > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${size}`);
    }
    return updated;
  }

  private replaceRS(rs: ReplicaSet): ReplicaSet {
    this.rsList = this.rsList.map((r) => (r.metadata.uid === rs.metadata.uid ? rs : r));
    return rs;
  }

  /** Old ReplicaSets past revisionHistoryLimit go (only fully scaled-down ones). */
  private async cleanup(oldRSs: ReplicaSet[]): Promise<void> {
    for (const rs of replicaSetsToCleanUp(this.d, oldRSs)) {
      await this.ctx.client.resource<ReplicaSet>('replicasets').delete(rs.metadata.name!, rs.metadata.namespace).catch((err: unknown) => {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      });
    }
  }

  /** The Deployment carries its current revision as an annotation (a main-resource write: the status subresource keeps metadata). */
  private async setDeploymentRevision(revision: number): Promise<void> {
    const value = String(revision);
    if (revision <= 0 || this.d.metadata.annotations?.[REVISION_ANNOTATION] === value) return;
    const next = structuredClone(this.d);
    next.metadata.annotations = { ...next.metadata.annotations, [REVISION_ANNOTATION]: value };
    this.d = await this.ctx.client.resource<Deployment>('deployments').update(next);
  }

  private async writeStatus(status: DeploymentStatusFull): Promise<void> {
    if (semanticEqual(this.d.status ?? {}, status)) return;
    this.d = await this.ctx.client.resource<Deployment>('deployments').updateStatus({ ...this.d, status });
  }

  /** Recreate must not start new pods while any pod of an old ReplicaSet may still run. */
  private oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
    if (totalStatusReplicas(oldRSs) > 0) return true;
    return oldRSs.some((rs) => rs !== newRS && this.podsOf(rs.metadata.uid!).some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded'));
  }
}
