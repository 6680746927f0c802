import { isDeepStrictEqual } from 'node:util';
import { budgetSelects } from '../../../api/kinds/poddisruptionbudget.js';
import type { ApiObject } from '../../../api/meta.js';
import type { Deployment, ReplicaSet } from '../../../api/types/apps.js';
import type { Pod } from '../../../api/types/core.js';
import type { PodDisruptionBudget } from '../../../api/types/policy.js';
import type { ApiClient } from '../../client/client.js';
import { Informer, objectKey } from '../../client/informer.js';
import { ControllerLoop, type Reconciler } from '../controller.js';
import { computeBudgetStatus, DISRUPTED_POD_TIMEOUT_MS } from './budget.js';

export interface DisruptionControllerOptions {
  now?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

const controllerOf = (obj: ApiObject) => obj.metadata.ownerReferences?.find((r) => r.controller);

/**
 * kube's disruption controller: keeps each PodDisruptionBudget's status (expectedPods, desiredHealthy,
 * currentHealthy, disruptionsAllowed, observedGeneration) current from the pods it selects and the scale of
 * their controllers, which the eviction subresource then spends. Reads caches only; writes only a changed status.
 */
export class DisruptionController implements Reconciler {
  private readonly pdbs: Informer<PodDisruptionBudget>;
  private readonly pods: Informer<Pod>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly deployments: Informer<Deployment>;
  private readonly loop: ControllerLoop<PodDisruptionBudget>;
  private readonly now: () => number;

  constructor(private readonly client: ApiClient, opts: DisruptionControllerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.pdbs = new Informer(client.resource<PodDisruptionBudget>('poddisruptionbudgets'));
    this.pods = new Informer(client.resource<Pod>('pods'));
    this.replicaSets = new Informer(client.resource<ReplicaSet>('replicasets'));
    this.deployments = new Informer(client.resource<Deployment>('deployments'));
    this.loop = new ControllerLoop(this.pdbs, this, { name: 'disruption-controller', log: opts.log });
    this.pods.on('add', (pod) => this.enqueueBudgetsOf(pod));
    this.pods.on('delete', (pod) => this.enqueueBudgetsOf(pod));
    this.pods.on('update', (old, pod) => {
      this.enqueueBudgetsOf(pod);
      if (!isDeepStrictEqual(old.metadata.labels, pod.metadata.labels)) this.enqueueBudgetsOf(old);
    });
    // A scale change moves expectedPods of percentage and maxUnavailable budgets.
    const scaled = (obj: ReplicaSet | Deployment): void => this.enqueueNamespace(obj.metadata.namespace);
    this.replicaSets.on('update', (old, rs) => { if (old.spec.replicas !== rs.spec.replicas) scaled(rs); });
    this.deployments.on('update', (old, d) => { if (old.spec.replicas !== d.spec.replicas) scaled(d); });
  }

  async start(): Promise<void> {
    await Promise.all([this.pods.start(), this.replicaSets.start(), this.deployments.start()]);
    await this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all([this.pods.stop(), this.replicaSets.stop(), this.deployments.stop()]);
  }

  private enqueueBudgetsOf(pod: Pod): void {
    for (const pdb of this.pdbs.byIndex('namespace', pod.metadata.namespace ?? '')) {
      if (budgetSelects(pdb, pod.metadata.labels)) this.loop.enqueue(objectKey(pdb));
    }
  }

  private enqueueNamespace(namespace: string | undefined): void {
    for (const pdb of this.pdbs.byIndex('namespace', namespace ?? '')) this.loop.enqueue(objectKey(pdb));
  }

  async reconcile(key: string): Promise<number | undefined> {
    const pdb = this.pdbs.get(key);
    if (!pdb) return undefined;
    const pods = this.pods.byIndex('namespace', pdb.metadata.namespace ?? '').filter((p) => budgetSelects(pdb, p.metadata.labels));
    const status = computeBudgetStatus(pdb, { pods, expectedScale: this.expectedScale(pods), now: this.now() });
    if (!isDeepStrictEqual(status, pdb.status)) {
      // The cached resourceVersion makes this a compare-and-swap with the eviction subresource's decrements.
      await this.client.resource<PodDisruptionBudget>('poddisruptionbudgets').updateStatus({ ...pdb, status });
    }
    // Evictions recorded but not yet seen as deletions expire on their own; look again then.
    return status.disruptedPods ? DISRUPTED_POD_TIMEOUT_MS / 4 : undefined;
  }

  /**
   * The sum of the desired scale of the pods' controllers (a ReplicaSet owned by a Deployment counts the
   * Deployment's replicas), as kube's getExpectedScale; bare pods are ignored; an unknown controller makes it undefined.
   */
  private expectedScale(pods: Pod[]): number | undefined {
    const seen = new Map<string, number>();
    for (const pod of pods) {
      const ref = controllerOf(pod);
      if (!ref) continue;
      if (ref.kind !== 'ReplicaSet') return undefined;
      const rs = this.replicaSets.get(`${pod.metadata.namespace}/${ref.name}`);
      if (!rs || rs.metadata.uid !== ref.uid) return undefined;
      const owner = controllerOf(rs);
      const deployment = owner?.kind === 'Deployment' ? this.deployments.get(`${rs.metadata.namespace}/${owner.name}`) : undefined;
      if (owner?.kind === 'Deployment' && !deployment) return undefined;
      const scaleOwner = deployment ?? rs;
      seen.set(scaleOwner.metadata.uid ?? objectKey(scaleOwner), scaleOwner.spec.replicas ?? 1);
    }
    return [...seen.values()].reduce((a, b) => a + b, 0);
  }
}
