import { ApiError } from '../../../api/errors.js';
import type { Lease } from '../../../api/types/apps.js';
import type { Condition, Node, Pod } from '../../../api/types/core.js';
import type { ApiClient } from '../../client/client.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { Informer } from '../../client/informer.js';
import { periodic, type Periodic } from '../../client/periodic.js';
import { isEvictable } from './eviction-time.js';
import {
  gracePeriodMs, lifecycleTaint, observeHeartbeat, readyStatus, unknownConditions, wantedTaintKey, withLifecycleTaint,
  type ProbeState, type ReadyStatus,
} from './node-health.js';
import { RateLimitedQueue } from './rate-limited-queue.js';
import { POD_NODE_INDEX, TaintEvictionController } from './taint-eviction-controller.js';
import { allFullyDisrupted, computeZoneState, zoneEvictionRate, zoneOf, type DisruptionOptions, type ZoneState } from './zone-state.js';

const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const REASON_NODE_NOT_READY = 'NodeNotReady';
/** Write attempts per node change within one pass; the next pass tries again anyway. */
const WRITE_ATTEMPTS = 3;

export interface NodeLifecycleOptions extends Partial<DisruptionOptions> {
  /** Silence after which a node is Unknown (kube --node-monitor-grace-period, 40 s there; Cairn 4 s, with agents renewing every second). A lease declaring a longer duration is honoured. */
  nodeMonitorGracePeriodMs?: number;
  /** How often every node is looked at (kube --node-monitor-period, 5 s there). */
  nodeMonitorPeriodMs?: number;
  now?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

type Settings = Required<Omit<NodeLifecycleOptions, 'now' | 'log'>>;

/**
 * Cairn's defaults. Eviction rate 0.2 nodes/s (kube: 0.1): one node's failure is acted on at once, and five
 * nodes lost together are all tainted within 20 s, so with the 30 s default toleration their pods are
 * replaced within a minute; beyond that the secondary rate and the zone states hold back a mass eviction.
 */
export const NODE_LIFECYCLE_DEFAULTS: Readonly<Settings> = {
  nodeMonitorGracePeriodMs: 4000,
  nodeMonitorPeriodMs: 500,
  evictionRate: 0.2,
  secondaryEvictionRate: 0.01,
  unhealthyZoneThreshold: 0.55,
  largeClusterThreshold: 50,
};

/**
 * kube-controller-manager's node lifecycle controller: a node whose Lease (and status heartbeat) stays silent
 * past the grace period gets its agent conditions set Unknown ("Kubelet stopped posting node status."), its pods
 * marked not Ready, a NoSchedule taint at once and a NoExecute taint (unreachable, or not-ready when Ready=False)
 * at a per-zone rate that the zone's disruption state decides; TaintEvictionController then evicts the pods.
 * A node Ready again loses both taints at once. Ready=True is only ever written by the node's agent.
 */
export class NodeLifecycleController {
  private readonly opts: Settings;
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly eviction: TaintEvictionController;
  private readonly now: () => number;
  private readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
  private readonly probes = new Map<string, ProbeState>();
  private readonly lastReady = new Map<string, ReadyStatus>();
  /** Nodes whose pods still need marking not Ready (retried each pass until done). */
  private readonly podsToMark = new Set<string>();
  private readonly zoneQueues = new Map<string, RateLimitedQueue>();
  /** Each zone's state after the last pass, for metrics-like introspection and tests. */
  readonly zoneStates = new Map<string, ZoneState>();
  private monitorLoop?: Periodic;

  constructor(private readonly client: ApiClient, options: NodeLifecycleOptions = {}) {
    const { now, log, ...rest } = options;
    this.opts = { ...NODE_LIFECYCLE_DEFAULTS, ...definedOnly(rest) };
    this.now = now ?? Date.now;
    this.log = log;
    this.nodes = new Informer(client.resource<Node>('nodes'));
    this.leases = new Informer(client.resource<Lease>('leases'), { namespace: NODE_LEASE_NAMESPACE });
    this.pods = new Informer(client.resource<Pod>('pods'));
    this.pods.addIndexer(POD_NODE_INDEX, (pod) => (pod.spec.nodeName ? [pod.spec.nodeName] : []));
    this.recorder = new EventRecorder(client, { component: 'node-controller' });
    this.eviction = new TaintEvictionController(client, this.pods, this.nodes, this.recorder, this.now, log);
    this.nodes.on('delete', (node) => this.forget(node.metadata.name!));
  }

  async start(): Promise<void> {
    await Promise.all([this.nodes.start(), this.leases.start(), this.pods.start()]);
    await this.eviction.start();
    this.monitorLoop = periodic(() => this.monitor(), this.opts.nodeMonitorPeriodMs, {
      immediate: true,
      onError: (err) => this.log?.('node-lifecycle-controller: monitor pass failed', { error: (err as Error).message }),
    });
  }

  async stop(): Promise<void> {
    await this.monitorLoop?.stop();
    await this.eviction.stop();
    await Promise.all([this.nodes.stop(), this.leases.stop(), this.pods.stop()]);
    await this.recorder.flush();
  }

  /** One pass over every node: health, zone states, taints. Writes only what changed. */
  async monitor(): Promise<void> {
    const now = this.now();
    const stamp = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
    // Taints keep milliseconds: tolerationSeconds count from timeAdded, and whole seconds would evict up to one early.
    const taintStamp = new Date(now).toISOString();
    const observed: Node[] = [];
    for (const cached of this.nodes.list()) observed.push(await this.checkHealth(cached, now, stamp));
    const byZone = new Map<string, Node[]>();
    for (const node of observed) {
      const zone = zoneOf(node);
      byZone.set(zone, [...(byZone.get(zone) ?? []), node]);
    }
    this.zoneStates.clear();
    for (const [zone, nodes] of byZone) {
      const ready = nodes.filter((n) => readyStatus(n) === 'True').length;
      this.zoneStates.set(zone, computeZoneState(ready, nodes.length - ready, this.opts.unhealthyZoneThreshold));
    }
    const halted = allFullyDisrupted(this.zoneStates.values());
    for (const [zone, nodes] of byZone) {
      this.queueOf(zone).setRate(halted ? 0 : zoneEvictionRate(this.zoneStates.get(zone)!, nodes.length, this.opts));
    }
    for (const node of observed) await this.reconcileTaints(node, halted, taintStamp);
    for (const [zone, queue] of this.zoneQueues) {
      for (const name of queue.take()) await this.applyNoExecute(name, queue, zone, taintStamp);
    }
    for (const name of [...this.podsToMark]) await this.markPodsNotReady(name);
  }

  /** Updates the probe state of `cached` and, past its grace period, writes its conditions Unknown. Returns the node as it now is. */
  private async checkHealth(cached: Node, now: number, stamp: string): Promise<Node> {
    const name = cached.metadata.name!;
    const lease = this.leases.get(`${NODE_LEASE_NAMESPACE}/${name}`);
    const probe = observeHeartbeat(this.probes.get(name), cached, lease, now);
    this.probes.set(name, probe);
    let node = cached;
    if (now - probe.probedAt > gracePeriodMs(this.opts.nodeMonitorGracePeriodMs, lease) && unknownConditions(cached.status?.conditions, stamp)) {
      node = await this.write(name, 'status', (n) => {
        const conditions = unknownConditions(n.status?.conditions, stamp);
        return conditions && { ...n, status: { ...n.status, conditions } };
      }) ?? cached;
    }
    const ready = readyStatus(node);
    const before = this.lastReady.get(name);
    this.lastReady.set(name, ready);
    if (before === 'True' && ready !== 'True') {
      this.recorder.record({ ...node, apiVersion: 'v1', kind: 'Node' }, 'Normal', REASON_NODE_NOT_READY, `Node ${name} status is now: ${REASON_NODE_NOT_READY}`);
      this.podsToMark.add(name);
    }
    if (ready === 'True') this.podsToMark.delete(name);
    return node;
  }

  /** NoSchedule follows Ready at once; NoExecute is removed at once but added through the zone's rate-limited queue. */
  private async reconcileTaints(node: Node, halted: boolean, stamp: string): Promise<void> {
    const name = node.metadata.name!;
    const key = wantedTaintKey(readyStatus(node));
    const queue = this.queueOf(zoneOf(node));
    if (lifecycleTaint(node, 'NoSchedule') !== key) await this.setTaint(name, 'NoSchedule', key, stamp);
    const current = lifecycleTaint(node, 'NoExecute');
    if (!key || halted) {
      queue.remove(name);
      if (current) await this.setTaint(name, 'NoExecute', undefined, stamp);
    } else if (current && current !== key) {
      // Unreachable <-> not-ready: the node is already being evicted, so the swap is not rate limited.
      await this.setTaint(name, 'NoExecute', key, stamp);
    } else if (!current) {
      queue.add(name);
    }
  }

  /** Taints a node whose turn has come, if it still needs it; a failed write waits for another turn. */
  private async applyNoExecute(name: string, queue: RateLimitedQueue, zone: string, stamp: string): Promise<void> {
    const node = this.nodes.get(name);
    const key = node && wantedTaintKey(readyStatus(node));
    if (!node || !key || lifecycleTaint(node, 'NoExecute') === key || zoneOf(node) !== zone) return;
    if (!(await this.setTaint(name, 'NoExecute', key, stamp))) queue.add(name);
  }

  /** True when the node carries the wanted taint afterwards. */
  private async setTaint(name: string, effect: 'NoSchedule' | 'NoExecute', key: string | undefined, stamp: string): Promise<boolean> {
    const node = await this.write(name, 'spec', (n) => {
      if (lifecycleTaint(n, effect) === key) return undefined;
      return { ...n, spec: { ...n.spec, taints: withLifecycleTaint(n.spec?.taints, effect, key, stamp) } };
    });
    return node !== undefined;
  }

  /** kube's MarkPodsNotReady: pods of a node that stopped being Ready stop being Ready too, so Services drop them. */
  private async markPodsNotReady(nodeName: string): Promise<void> {
    let done = true;
    for (const pod of this.pods.byIndex(POD_NODE_INDEX, nodeName)) {
      if (!isEvictable(pod)) continue;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status === 'False') continue;
      const lastTransitionTime = new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z');
      const conditions: Condition[] = [
        ...(pod.status?.conditions ?? []).filter((c) => c.type !== 'Ready'),
        { ...ready, type: 'Ready', status: 'False', lastTransitionTime },
      ];
      try {
        await this.client.resource<Pod>('pods').updateStatus({ ...pod, status: { ...pod.status, conditions } });
        this.recorder.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', REASON_NODE_NOT_READY, 'Node is not ready');
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) done = false;
      }
    }
    if (done) this.podsToMark.delete(nodeName);
  }

  /**
   * Read-modify-write of a node (`mutate` returns undefined when it needs no change). Returns the node as now
   * stored (read fresh, so a lagging cache never makes the controller undo its own write), undefined on failure.
   */
  private async write(name: string, part: 'spec' | 'status', mutate: (node: Node) => Node | undefined): Promise<Node | undefined> {
    const nodes = this.client.resource<Node>('nodes');
    for (let attempt = 1; ; attempt++) {
      try {
        const current = await nodes.get(name);
        const next = mutate(current);
        if (!next) return current;
        return await (part === 'status' ? nodes.updateStatus(next) : nodes.update(next));
      } catch (err) {
        const conflict = err instanceof ApiError && err.code === 409;
        if (conflict && attempt < WRITE_ATTEMPTS) continue;
        if (!(err instanceof ApiError && err.code === 404)) this.log?.('node-lifecycle-controller: node write failed', { node: name, error: (err as Error).message });
        return undefined;
      }
    }
  }

  private queueOf(zone: string): RateLimitedQueue {
    let queue = this.zoneQueues.get(zone);
    if (!queue) this.zoneQueues.set(zone, (queue = new RateLimitedQueue(this.opts.evictionRate, this.now)));
    return queue;
  }

  private forget(name: string): void {
    this.probes.delete(name);
    this.lastReady.delete(name);
    this.podsToMark.delete(name);
    for (const queue of this.zoneQueues.values()) queue.remove(name);
  }
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
