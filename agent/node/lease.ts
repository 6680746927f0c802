/** Node heartbeats: one Lease per node in kube-node-lease, renewed every interval (like the kubelet's node lease). */
import type { ApiClient } from '../../control/client/client.js';
import type { ResourceClient } from '../../control/client/resource-client.js';
import type { Lease } from '../../api/types/apps.js';
import type { OwnerReference } from '../../api/meta.js';
import { SpreadScheduler } from '../util/spread-scheduler.js';
import { isAlreadyExists, isConflict, isNotFound, isTransient, withRetry } from '../util/retry.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** How long a lease holds without renewal; the node-lifecycle controller reads it (the kubelet's default). */
export const NODE_LEASE_DURATION_SECONDS = 40;
export const DEFAULT_LEASE_INTERVAL_MS = 10_000;

/** A MicroTime as the API writes it: RFC 3339 with six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The node's lease, owned by its Node so it goes when the node is deleted. */
export function newNodeLease(nodeName: string, now: Date, owner?: { uid: string }): Lease {
  const ownerReferences: OwnerReference[] | undefined = owner
    ? [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: owner.uid }]
    : undefined;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: NODE_LEASE_NAMESPACE, ...(ownerReferences ? { ownerReferences } : {}) },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: microTime(now) },
  };
}

/** `lease` renewed at `now` by its node (holder and duration restored if someone changed them). */
export function renewedNodeLease(lease: Lease, nodeName: string, now: Date): Lease {
  return {
    ...lease,
    spec: { ...lease.spec, holderIdentity: nodeName, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: microTime(now) },
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
  private readonly known = new Map<string, { owner?: { uid: string }; lease?: Lease }>();
  private readonly scheduler: SpreadScheduler<string>;
  private readonly now: () => Date;
  /** Renewals written (first creations included), and renewals that failed after their retries. */
  readonly stats = { renewals: 0, failures: 0 };

  constructor(client: ApiClient, opts: NodeLeasesOptions = {}) {
    this.leases = client.resource<Lease>('leases');
    this.now = opts.now ?? (() => new Date());
    this.scheduler = new SpreadScheduler<string>({
      intervalMs: opts.intervalMs ?? DEFAULT_LEASE_INTERVAL_MS,
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
          state.lease = await this.leases.create(newNodeLease(nodeName, this.now(), state.owner));
          return;
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
          state.lease = await this.leases.get(nodeName, NODE_LEASE_NAMESPACE);
        }
      }
      try {
        state.lease = await this.leases.update(renewedNodeLease(state.lease, nodeName, this.now()));
      } catch (err) {
        // Someone else wrote or removed it: read or create it afresh.
        if (isConflict(err) || isNotFound(err)) state.lease = undefined;
        throw err;
      }
    }, { attempts: 3, baseMs: 200, retryable: (err) => isTransient(err) || isNotFound(err) });
    this.stats.renewals++;
  }
}
