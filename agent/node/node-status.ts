/**
 * The node's conditions after registration, like the kubelet's status loop: every `intervalMs` the machine
 * is read and judged (node-pressure.ts); the Node's status is written only when a condition changes, or when
 * the last write is `reportMs` old (the Lease is the frequent heartbeat, so lastHeartbeatTime may lag that long).
 */
import type { Node } from '../../api/types/core.js';
import type { ResourceClient } from '../../control/client/resource-client.js';
import { periodic, type Periodic } from '../../control/client/periodic.js';
import { withRetry } from '../util/retry.js';
import { HEALTHY, mergeNodeConditions, nodeConditions, type NodeHealth } from './node-object.js';
import { DEFAULT_PRESSURE_THRESHOLDS, nodeHealth, sameHealth, type MachineReadings, type PressureThresholds } from './node-pressure.js';

/** The kubelet's nodeStatusUpdateFrequency and nodeStatusReportFrequency. */
export const DEFAULT_STATUS_INTERVAL_MS = 10_000;
export const DEFAULT_STATUS_REPORT_MS = 5 * 60_000;

export interface NodeStatusReporterOptions {
  nodeName: string;
  read: () => Promise<MachineReadings>;
  thresholds?: PressureThresholds;
  intervalMs?: number;
  reportMs?: number;
  /** The health the node was registered with, and when (default HEALTHY, now). */
  registered?: { health: NodeHealth; at: Date };
  now?: () => Date;
  /** Called after a changed health is written (e.g. to collect images when DiskPressure appears). */
  onChange?: (health: NodeHealth, previous: NodeHealth) => void;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class NodeStatusReporter {
  private posted: NodeHealth;
  private postedAt: number;
  private loop?: Periodic;
  private readonly now: () => Date;

  constructor(private readonly nodes: Pick<ResourceClient<Node>, 'get' | 'updateStatus'>, private readonly opts: NodeStatusReporterOptions) {
    this.now = opts.now ?? (() => new Date());
    this.posted = opts.registered?.health ?? HEALTHY;
    this.postedAt = (opts.registered?.at ?? this.now()).getTime();
  }

  start(): void {
    this.loop = periodic(() => this.tick(), this.opts.intervalMs ?? DEFAULT_STATUS_INTERVAL_MS, {
      onError: (err) => this.opts.log?.('node status update failed', { node: this.opts.nodeName, error: (err as Error).message }),
    });
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }

  /** One round: read, judge, write if due. Resolves with whether the Node's status was written. */
  async tick(): Promise<boolean> {
    const health = nodeHealth(await this.opts.read(), this.opts.thresholds ?? DEFAULT_PRESSURE_THRESHOLDS);
    const now = this.now();
    const changed = !sameHealth(health, this.posted);
    const due = now.getTime() - this.postedAt >= (this.opts.reportMs ?? DEFAULT_STATUS_REPORT_MS);
    if (!changed && !due && !(await this.markedUnknown())) return false;
    await this.write(health, now);
    const previous = this.posted;
    this.posted = health;
    this.postedAt = now.getTime();
    if (changed) this.opts.onChange?.(health, previous);
    return true;
  }

  /**
   * Whether the node lifecycle controller set the agent's conditions Unknown (it saw no heartbeat, e.g. across a
   * partition this agent lived through): the agent then posts again at once, as the kubelet does, so the node
   * is Ready and untainted again within one interval. One read per interval, as the kubelet's status loop.
   */
  private async markedUnknown(): Promise<boolean> {
    const node = await this.nodes.get(this.opts.nodeName);
    return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'Unknown') ?? false;
  }

  private write(health: NodeHealth, now: Date): Promise<Node> {
    return postNodeHealth(this.nodes, this.opts.nodeName, health, now);
  }
}

/** Posts `health` as the node's conditions: read-modify-write with its resourceVersion; conditions set by others and unchanged transition times are kept. */
export function postNodeHealth(nodes: Pick<ResourceClient<Node>, 'get' | 'updateStatus'>, nodeName: string, health: NodeHealth, now: Date): Promise<Node> {
  return withRetry(async () => {
    const node = await nodes.get(nodeName);
    const conditions = mergeNodeConditions(node.status?.conditions, nodeConditions(health, now));
    return nodes.updateStatus({ ...node, status: { ...node.status, conditions } });
  }, { attempts: 5 });
}
