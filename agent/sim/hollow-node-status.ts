/**
 * The node-status side of a hollow fleet: ONE watch of the fleet's nodes. Hollow nodes never turn unhealthy by
 * themselves, so their conditions need posting only when someone else changed them: when the node lifecycle
 * controller marked a node Unknown (it saw no heartbeat, e.g. while this process stalled) while its agent lives
 * on, the node posts Ready again, as the kubelet's status loop does on finding its Ready condition Unknown, and
 * the controller then lifts its unreachable taints. Only a node whose own lease renewed within its grace period
 * does so: one whose heartbeats fail is as good as down, and Ready would hide that.
 */
import type { Node } from '../../api/types/core.js';
import type { ApiClient } from '../../control/client/client.js';
import { Informer } from '../../control/client/informer.js';
import type { ResourceClient } from '../../control/client/resource-client.js';
import { ControllerLoop, type Reconciler } from '../../control/controllers/controller.js';
import { HEALTHY } from '../node/node-object.js';
import { postNodeHealth } from '../node/node-status.js';
import { LABEL_HOLLOW_FLEET } from './fleet.js';

/** How often a node not Ready whose lease lapsed is looked at again. */
const LEASE_RECHECK_MS = 1000;

export class HollowNodeStatus implements Reconciler {
  private readonly nodes: ResourceClient<Node>;
  private readonly informer: Informer<Node>;
  private readonly loop: ControllerLoop<Node>;
  /** Nodes registered and heartbeating: only their status is this loop's to post. */
  private readonly live = new Set<string>();
  /** Ready conditions posted again after someone else changed them. */
  reposts = 0;

  /** `leaseHeld(name)`: whether the node's lease renewed within its grace period (NodeLeases.holds). */
  constructor(
    client: ApiClient, namePrefix: string, private readonly leaseHeld: (name: string) => boolean,
    opts: { workers?: number; log?: (msg: string, fields?: Record<string, unknown>) => void } = {},
  ) {
    this.nodes = client.resource<Node>('nodes');
    this.informer = new Informer(this.nodes, { labelSelector: `${LABEL_HOLLOW_FLEET}=${namePrefix}` });
    this.loop = new ControllerLoop(this.informer, this, { name: 'hollow-node-status', workers: opts.workers ?? 4, log: opts.log });
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Looks after `name` from now on (call once it is registered and its lease is renewed). */
  add(name: string): void {
    this.live.add(name);
    this.loop.enqueue(name);
  }

  async reconcile(name: string): Promise<number | undefined> {
    const node = this.informer.get(name);
    if (!this.live.has(name) || !node) return undefined;
    if (node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return undefined;
    // Heartbeats failing: look again later, in case they recover.
    if (!this.leaseHeld(name)) return LEASE_RECHECK_MS;
    await postNodeHealth(this.nodes, name, HEALTHY, new Date());
    this.reposts++;
    return undefined;
  }
}
