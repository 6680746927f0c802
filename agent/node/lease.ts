/** Node heartbeats: one Lease per node in kube-node-lease, renewed every interval (like the kubelet's node lease). */
import type { ApiClient } from '../../control/client/client.js';
import type { ResourceClient } from '../../control/client/resource-client.js';
import type { Lease } from '../../api/types/apps.js';
import { microTime, type OwnerReference } from '../../api/meta.js';
import { SpreadScheduler } from '../util/spread-scheduler.js';
import { isAlreadyExists, isConflict, isNotFound, isTransient, withRetry } from '../util/retry.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/**
 * Renewal every second: with the node-lifecycle controller's 4 s grace period a dead node is noticed in < 5 s.
 * (The kubelet renews every 10 s against a 40 s grace; Cairn keeps kube's ratio of four renewals per grace period.)
 */
export const DEFAULT_LEASE_INTERVAL_MS = 1000;
/** Renewals a lease outlives, as the kubelet's leaseDuration (40 s) is four of its renewal intervals (10 s). */
const RENEWALS_PER_LEASE = 4;

/**
 * How long a lease renewed every `intervalMs` holds: four intervals, whole seconds. The node-lifecycle controller
 * waits at least this long, so an agent configured to renew slowly (benchmarks) is not declared dead between renewals.
 */
export function leaseDurationSeconds(intervalMs: number): number {
  return Math.max(1, Math.ceil((RENEWALS_PER_LEASE * intervalMs) / 1000));
}

/** The node's lease, owned by its Node so it goes when the node is deleted. */
export function newNodeLease(nodeName: string, now: Date, durationSeconds: number, owner?: { uid: string }): Lease {
  const ownerReferences: OwnerReference[] | undefined = owner
    ? [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: owner.uid }]
    : undefined;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: NODE_LEASE_NAMESPACE, ...(ownerReferences ? { ownerReferences } : {}) },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) },
  };
}

/** `lease` renewed at `now` by its node (holder and duration restored if someone changed them). */
export function renewedNodeLease(lease: Lease, nodeName: string, now: Date, durationSeconds: number): Lease {
  return {
    ...lease,
    spec: { ...lease.spec, holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) },
  };
}

export interface NodeLeasesOptions {
  intervalMs?: number;
  /** Renewals in flight at most. */
  concurrency?: number;
  now?: () => Date;
  onError?: (node: string, err: unknown) => void;
}

/**
 * Keeps the leases of any number of nodes renewed from one timer: renewals are spread over the interval and
 * run with bounded concurrency. Each renewal writes with the last seen resourceVersion; after a conflict or
 * a deleted lease it re-reads or re-creates, within a few quick retries (the next turn comes anyway).
 */
export class NodeLeases {
  private readonly leases: ResourceClient<Lease>;
  private readonly known = new Map<string, { owner?: { uid: string }; lease?: Lease; renewedAt?: number }>();
  private readonly scheduler: SpreadScheduler<string>;
  private readonly now: () => Date;
  private readonly durationSeconds: number;
  /** Renewals written (first creations included), and renewals that failed after their retries. */
  readonly stats = { renewals: 0, failures: 0 };

  constructor(client: ApiClient, opts: NodeLeasesOptions = {}) {
    this.leases = client.resource<Lease>('leases');
    this.now = opts.now ?? (() => new Date());
    const intervalMs = opts.intervalMs ?? DEFAULT_LEASE_INTERVAL_MS;
    this.durationSeconds = leaseDurationSeconds(intervalMs);
    this.scheduler = new SpreadScheduler<string>({
      intervalMs,
      concurrency: opts.concurrency ?? 32,
      run: (node) => this.renew(node),
      onError: (node, err) => {
        this.stats.failures++;
        opts.onError?.(node, err);
      },
    });
  }

  /** Starts heartbeating for `nodeName`: its lease is created (or taken over) on its first turn, right away. */
  add(nodeName: string, owner?: { uid: string }): void {
    if (!this.known.has(nodeName)) this.known.set(nodeName, { owner });
    this.scheduler.add(nodeName);
  }

  remove(nodeName: string): void {
    this.known.delete(nodeName);
    this.scheduler.remove(nodeName);
  }

  start(): void {
    this.scheduler.start();
  }

  /** Whether `nodeName`'s lease was written within its duration (the grace period the lifecycle controller gives it). */
  holds(nodeName: string): boolean {
    const renewedAt = this.known.get(nodeName)?.renewedAt;
    return renewedAt !== undefined && this.now().getTime() - renewedAt < this.durationSeconds * 1000;
  }

  /** Stops renewing; resolves once renewals in flight have finished. Leases are left to expire. */
  stop(): Promise<void> {
    return this.scheduler.stop();
  }

  private async renew(nodeName: string): Promise<void> {
    const state = this.known.get(nodeName);
    if (!state) return;
    await withRetry(async () => {
      if (!state.lease) {
        try {
          state.lease = await this.leases.create(newNodeLease(nodeName, this.now(), this.durationSeconds, state.owner));
          return;
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
          state.lease = await this.leases.get(nodeName, NODE_LEASE_NAMESPACE);
        }
      }
      try {
        state.lease = await this.leases.update(renewedNodeLease(state.lease, nodeName, this.now(), this.durationSeconds));
      } catch (err) {
        // Someone else wrote or removed it: read or create it afresh.
        if (isConflict(err) || isNotFound(err)) state.lease = undefined;
        throw err;
      }
    }, { attempts: 3, baseMs: 200, retryable: (err) => isTransient(err) || isNotFound(err) });
    state.renewedAt = this.now().getTime();
    this.stats.renewals++;
  }
}
