import { ApiError } from '../../../api/errors.js';
import type { ApiObject, OwnerReference } from '../../../api/meta.js';
import { labelSelectorFromObject } from '../../../api/selectors.js';
import type { Deployment, ReplicaSet } from '../../../api/types/apps.js';
import type { Pod } from '../../../api/types/core.js';
import type { ApiClient } from '../../client/client.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { Informer, objectKey } from '../../client/informer.js';
import { ControllerLoop, type Reconciler } from '../controller.js';
import { controllerRef } from './replica-sets.js';
import { DeploymentSync } from './sync.js';
import { checkCanAdopt } from '../can-adopt.js';

const UID_INDEX = 'uid';
/** Objects by the uid their controllerRef names. */
const CONTROLLER_INDEX = 'controllerUid';

const controllerOf = (obj: ApiObject): OwnerReference | undefined => obj.metadata.ownerReferences?.find((r) => r.controller);
const byUid = (obj: ApiObject): string[] => (obj.metadata.uid ? [obj.metadata.uid] : []);
const byController = (obj: ApiObject): string[] => {
  const ref = controllerOf(obj);
  return ref ? [ref.uid] : [];
};

export interface DeploymentControllerOptions {
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  workers?: number;
  now?: () => number;
}

/**
 * kube-controller-manager's deployment controller: rolls each Deployment's pod template out through
 * ReplicaSets (RollingUpdate within maxSurge/maxUnavailable, or Recreate), keeps revision history,
 * and reports progress in status. It manages ReplicaSets only; their pods are the ReplicaSet controller's.
 */
export class DeploymentController implements Reconciler {
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly loop: ControllerLoop<Deployment>;
  private readonly events: EventRecorder;

  constructor(private readonly client: ApiClient, private readonly opts: DeploymentControllerOptions = {}) {
    this.deployments = new Informer(client.resource<Deployment>('deployments'));
    this.deployments.addIndexer(UID_INDEX, byUid);
    this.replicaSets = new Informer(client.resource<ReplicaSet>('replicasets'));
    this.replicaSets.addIndexer(UID_INDEX, byUid);
    this.replicaSets.addIndexer(CONTROLLER_INDEX, byController);
    this.pods = new Informer(client.resource<Pod>('pods'));
    this.pods.addIndexer(CONTROLLER_INDEX, byController);
    this.events = new EventRecorder(client, { component: 'deployment-controller' });
    this.loop = new ControllerLoop(this.deployments, this, { name: 'deployment-controller', log: opts.log, workers: opts.workers });

    this.replicaSets.on('add', (rs) => this.enqueueFor(rs));
    this.replicaSets.on('update', (old, rs) => {
      if (controllerOf(old)?.uid !== controllerOf(rs)?.uid) this.enqueueFor(old);
      this.enqueueFor(rs);
    });
    this.replicaSets.on('delete', (rs) => this.enqueueFor(rs));
    // Recreate waits for the old pods to be gone.
    this.pods.on('delete', (pod) => {
      const rs = this.ownerOf(pod, this.replicaSets);
      const d = rs && this.ownerOf(rs, this.deployments);
      if (d?.spec.strategy?.type === 'Recreate') this.loop.enqueue(objectKey(d));
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.replicaSets.start(), this.pods.start()]);
    await this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all([this.replicaSets.stop(), this.pods.stop()]);
    await this.events.flush();
  }

  private ownerOf<T extends ApiObject>(obj: ApiObject, owners: Informer<T>): T | undefined {
    const ref = controllerOf(obj);
    return ref ? owners.byIndex(UID_INDEX, ref.uid)[0] : undefined;
  }

  /** The Deployment controlling `rs`, or for an orphan every Deployment of its namespace that would adopt it. */
  private enqueueFor(rs: ReplicaSet): void {
    if (controllerOf(rs)) {
      const d = this.ownerOf(rs, this.deployments);
      if (d) this.loop.enqueue(objectKey(d));
      return;
    }
    for (const d of this.deployments.byIndex('namespace', rs.metadata.namespace ?? '')) {
      if (labelSelectorFromObject(d.spec.selector).matches(rs.metadata.labels ?? {})) this.loop.enqueue(objectKey(d));
    }
  }

  async reconcile(key: string): Promise<number | undefined> {
    const d = this.deployments.get(key);
    if (!d) return undefined;
    const rsList = await this.claimReplicaSets(d);
    const podsOf = (uid: string): Pod[] => this.pods.byIndex(CONTROLLER_INDEX, uid);
    return new DeploymentSync({ client: this.client, events: this.events, now: this.opts.now ?? Date.now }, d, rsList, podsOf).run();
  }

  /**
   * The ReplicaSets `d` controls (kube's ClaimReplicaSets): its own that still match its selector, plus
   * matching orphans it adopts; its own that stopped matching are released. A deleting Deployment claims
   * nothing new. Writes carry the cached resourceVersion.
   */
  private async claimReplicaSets(d: Deployment): Promise<ReplicaSet[]> {
    const selector = labelSelectorFromObject(d.spec.selector);
    const client = this.client.resource<ReplicaSet>('replicasets');
    const claimed: ReplicaSet[] = [];
    let adoptionChecked = false;
    for (const rs of this.replicaSets.byIndex('namespace', d.metadata.namespace ?? '')) {
      const ref = controllerOf(rs);
      const matches = selector.matches(rs.metadata.labels ?? {});
      if (ref && ref.uid !== d.metadata.uid) continue;
      if (ref && matches) {
        claimed.push(rs);
      } else if (ref && !d.metadata.deletionTimestamp) {
        const owners = rs.metadata.ownerReferences!.filter((r) => r.uid !== d.metadata.uid);
        await client.update({ ...rs, metadata: { ...rs.metadata, ownerReferences: owners } }).catch(ignoreNotFound);
      } else if (!ref && matches && !d.metadata.deletionTimestamp && !rs.metadata.deletionTimestamp) {
        if (!adoptionChecked) await checkCanAdopt(this.client.resource<Deployment>('deployments'), d);
        adoptionChecked = true;
        const owners = [...(rs.metadata.ownerReferences ?? []), controllerRef(d)];
        const adopted = await client.update({ ...rs, metadata: { ...rs.metadata, ownerReferences: owners } }).catch(ignoreNotFound);
        if (adopted) claimed.push(adopted);
      }
    }
    return claimed;
  }
}

function ignoreNotFound(err: unknown): undefined {
  if (err instanceof ApiError && err.code === 404) return undefined;
  throw err;
}
