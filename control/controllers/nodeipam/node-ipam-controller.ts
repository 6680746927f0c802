import type { Node } from '../../../api/types/core.js';
import type { ApiClient } from '../../client/client.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { Informer } from '../../client/informer.js';
import { ControllerLoop, type Reconciler } from '../controller.js';
import { assignPodCIDR, podCIDRsOf } from './assign-pod-cidr.js';
import { CidrSet } from './cidr-set.js';

export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
export const DEFAULT_NODE_CIDR_MASK_SIZE = 24;
/** Event reason when a node cannot get a range (Kubernetes' wording). */
export const REASON_CIDR_NOT_AVAILABLE = 'CIDRNotAvailable';
/** Safety net for nodes waiting on a full range; a node deletion wakes them at once. */
const EXHAUSTED_RECHECK_MS = 60_000;

export interface NodeIpamOptions {
  /** The range pod CIDRs are cut from (IPv4). */
  clusterCIDR?: string;
  /** Prefix length of each node's range. */
  nodeCIDRMaskSize?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * kube-controller-manager's node IPAM (range allocator): gives each Node without `spec.podCIDR` a free
 * subnet of the cluster CIDR. The used set is rebuilt from every node the informer sees (including its
 * initial list, before any worker runs), so a restart keeps existing assignments and never hands out one twice.
 */
export class NodeIpamController implements Reconciler {
  private readonly cidrs: CidrSet;
  private readonly informer: Informer<Node>;
  private readonly loop: ControllerLoop<Node>;
  private readonly recorder: EventRecorder;
  /** Nodes that found the range full; a release wakes them. */
  private readonly waiting = new Set<string>();

  constructor(private readonly client: ApiClient, opts: NodeIpamOptions = {}) {
    this.cidrs = new CidrSet(opts.clusterCIDR ?? DEFAULT_CLUSTER_CIDR, opts.nodeCIDRMaskSize ?? DEFAULT_NODE_CIDR_MASK_SIZE);
    this.recorder = new EventRecorder(client, { component: 'node-ipam-controller' });
    this.informer = new Informer(client.resource<Node>('nodes'));
    // Registered before the loop's own handlers: a node's range is marked before its key can be reconciled.
    this.informer.on('add', (node) => this.occupy(node));
    this.informer.on('update', (_old, node) => this.occupy(node));
    this.informer.on('delete', (node) => {
      this.waiting.delete(node.metadata.name!);
      for (const cidr of podCIDRsOf(node)) this.cidrs.release(cidr);
      for (const name of this.waiting) this.loop.enqueue(name);
    });
    this.loop = new ControllerLoop(this.informer, this, { name: 'node-ipam-controller', log: opts.log });
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.recorder.flush();
  }

  private occupy(node: Node): void {
    for (const cidr of podCIDRsOf(node)) this.cidrs.occupy(cidr);
  }

  async reconcile(name: string): Promise<number | undefined> {
    const node = this.informer.get(name);
    const outcome = await assignPodCIDR(this.client.resource<Node>('nodes'), this.cidrs, node);
    if (outcome !== 'exhausted') {
      this.waiting.delete(name);
      return undefined;
    }
    this.waiting.add(name);
    this.recorder.record({ ...node!, apiVersion: 'v1', kind: 'Node' }, 'Warning', REASON_CIDR_NOT_AVAILABLE,
      `Node ${name} status is now: ${REASON_CIDR_NOT_AVAILABLE} (no free /${this.cidrs.maskSize} left in ${this.cidrs.clusterCIDR})`);
    return EXHAUSTED_RECHECK_MS;
  }
}
