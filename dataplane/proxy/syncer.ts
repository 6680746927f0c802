/**
 * Keeps `table ip cairn-proxy` equal to the compiled desired state. Changes are marked by service key and
 * batched: at most one sync per `minSyncIntervalMs`, each one `nft -f -` transaction touching only the
 * changed services' chains, sets and map elements. The first sync (and any after a failure, and one every
 * `fullSyncIntervalMs`) is a full one that reads back the table's chain and set names and converges from
 * whatever is there, never deleting the table: conntrack keeps established flows NATed across restarts.
 */
import type { Endpoints, Service } from '../../api/types/core.js';
import { compileService, isProxied, udpFlows, type UdpFlow } from './compile.js';
import type { ConntrackRunner } from './conntrack.js';
import { ElementTable } from './element-table.js';
import type { ProxyMetrics } from './metrics.js';
import type { NftRunner } from '../nft-runner.js';
import { readExisting } from './nft.js';
import { planFull, planIncremental, type ElementChange, type ExistingTable, type FragmentChange, type Plan } from './plan.js';
import { elementId, type MapElement, type ProxyNodeInfo, type ServiceFragment } from './types.js';

/** Where the syncer reads the current objects; keyed `namespace/name`. */
export interface ProxySource {
  serviceKeys(): Iterable<string>;
  service(key: string): Service | undefined;
  endpoints(key: string): Endpoints | undefined;
}

export interface ProxySyncerOptions {
  nft: NftRunner;
  node: ProxyNodeInfo;
  source: ProxySource;
  metrics?: ProxyMetrics;
  /** Minimum time between two syncs; changes within it are batched into one. Default 100 ms. */
  minSyncIntervalMs?: number;
  /** Period of the full resync that repairs outside tampering. Default 1 hour; 0 disables. */
  fullSyncIntervalMs?: number;
  /** Delay before retrying a failed sync. Default 1 s. */
  retryMs?: number;
  /** Forgets UDP flows of removed endpoints after each commit; none when absent (tests). */
  conntrack?: ConntrackRunner;
  log?: (msg: string) => void;
}

export interface SyncResult { mode: 'full' | 'partial'; services: number; rules: number; elements: number; ms: number }

export class ProxySyncer {
  private readonly applied = new Map<string, ServiceFragment>();
  private readonly elements = new ElementTable();
  /** Elements as nft holds them (the element table's effective values after the last commit). */
  private readonly programmed = new Map<string, MapElement>();
  private readonly dirty = new Set<string>();
  /** Per service key, the UDP flows its committed rules can create. */
  private readonly udp = new Map<string, Map<string, UdpFlow>>();
  private needFull = true;
  private running: Promise<unknown> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  /** The last sync failed: the next one waits `retryMs`. */
  private failing = false;
  private lastSyncAt = 0;
  private stopped = false;

  constructor(private readonly opts: ProxySyncerOptions) {}

  /** Marks a service (or its Endpoints) changed; a sync follows within the batching interval. */
  markChanged(key: string): void {
    this.dirty.add(key);
    this.schedule();
  }

  /** Runs a sync now (after any in flight) and reports it; rejects when the transaction fails. */
  async syncNow(): Promise<SyncResult | undefined> {
    try {
      return await this.runSync();
    } finally {
      this.followUp();
    }
  }

  /** Stops scheduling; resolves once a sync in flight has ended, so nothing touches the kernel afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.resyncTimer);
    while (this.running) await this.running.catch(() => undefined);
  }

  /** One sync at a time: a timer firing during `syncNow` waits for it. */
  private async runSync(): Promise<SyncResult | undefined> {
    while (this.running) await this.running.catch(() => undefined);
    const p = this.sync();
    this.running = p;
    try {
      return await p;
    } finally {
      this.running = undefined;
    }
  }

  /** After a sync: schedule the next one if changes arrived meanwhile, or retry after a failure. */
  private followUp(): void {
    if (this.dirty.size || this.needFull) this.schedule(this.failing ? this.opts.retryMs ?? 1000 : undefined);
  }

  private schedule(delayMs?: number): void {
    if (this.stopped || this.timer) return;
    const wait = delayMs ?? Math.max(0, this.lastSyncAt + (this.opts.minSyncIntervalMs ?? 100) - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runSync()
        .catch((err: Error) => this.opts.log?.(`service proxy: sync failed, retrying with a full sync: ${err.message}`))
        .finally(() => this.followUp());
    }, wait);
  }

  /** Schedules the next periodic full sync, counted from the last one. */
  private armResync(): void {
    const every = this.opts.fullSyncIntervalMs ?? 3_600_000;
    clearTimeout(this.resyncTimer);
    if (every <= 0 || this.stopped) return;
    this.resyncTimer = setTimeout(() => {
      this.needFull = true;
      this.schedule();
    }, every);
    this.resyncTimer.unref();
  }

  private compile(key: string): ServiceFragment | undefined {
    const svc = this.opts.source.service(key);
    if (!svc || !isProxied(svc)) return undefined;
    return compileService(svc, this.opts.source.endpoints(key), this.opts.node);
  }

  private async sync(): Promise<SyncResult | undefined> {
    const start = performance.now();
    const full = this.needFull;
    if (!full && this.dirty.size === 0) return undefined;
    const keys = full ? new Set([...this.opts.source.serviceKeys(), ...this.applied.keys()]) : new Set(this.dirty);
    this.dirty.clear();
    const next = new Map<string, ServiceFragment | undefined>();
    for (const key of keys) next.set(key, this.compile(key));
    const staged = this.stage(next);
    let plan: Plan;
    try {
      plan = full ? this.planFull(next, await readExisting(this.opts.nft)) : this.planPartial(next, staged.touched);
      await this.opts.nft.apply(plan.lines.join('\n') + '\n');
    } catch (err) {
      staged.rollback();
      for (const key of keys) this.dirty.add(key);
      this.needFull = true;
      this.failing = true;
      this.opts.metrics?.syncErrors.inc();
      throw err;
    }
    staged.commit(full);
    await this.forgetRemovedUdpFlows(keys);
    this.lastSyncAt = Date.now();
    this.needFull = false;
    this.failing = false;
    if (full) this.armResync();
    const seconds = (performance.now() - start) / 1000;
    const m = this.opts.metrics;
    m?.syncDuration.observe({ mode: full ? 'full' : 'partial' }, seconds);
    m?.rulesProgrammed.inc({ kind: 'rule' }, plan.rules);
    m?.rulesProgrammed.inc({ kind: 'element' }, plan.elements);
    m?.lastSync.set(this.lastSyncAt / 1000);
    return { mode: full ? 'full' : 'partial', services: keys.size, rules: plan.rules, elements: plan.elements, ms: seconds * 1000 };
  }

  /**
   * Moves the element table to `next`'s claims. Our bookkeeping of what nft holds changes only on
   * `commit`, after the transaction succeeded; `rollback` restores the old claims.
   */
  private stage(next: Map<string, ServiceFragment | undefined>): { touched: Set<string>; commit: (full: boolean) => void; rollback: () => void } {
    const touched = new Set<string>();
    for (const [key, after] of next) {
      for (const id of this.elements.replace(key, this.applied.get(key)?.elements ?? [], after?.elements ?? [])) touched.add(id);
    }
    return {
      touched,
      rollback: () => {
        for (const [key, after] of next) this.elements.replace(key, after?.elements ?? [], this.applied.get(key)?.elements ?? []);
      },
      commit: (full) => {
        for (const [key, after] of next) {
          if (after) this.applied.set(key, after);
          else this.applied.delete(key);
        }
        // A full sync flushed and refilled the maps: nft now holds exactly the effective elements.
        if (full) this.programmed.clear();
        for (const id of full ? [...this.elements.all()].map(elementId) : touched) {
          const e = this.elements.effective(id);
          if (e) this.programmed.set(id, e);
          else this.programmed.delete(id);
        }
      },
    };
  }

  private async forgetRemovedUdpFlows(keys: Set<string>): Promise<void> {
    const removed: UdpFlow[] = [];
    for (const key of keys) {
      const now = udpFlows(this.opts.source.service(key), this.opts.source.endpoints(key));
      for (const [id, flow] of this.udp.get(key) ?? []) if (!now.has(id)) removed.push(flow);
      if (now.size) this.udp.set(key, now);
      else this.udp.delete(key);
    }
    if (removed.length) await this.opts.conntrack?.deleteUdpFlows(removed);
  }

  private planPartial(next: Map<string, ServiceFragment | undefined>, touched: Set<string>): Plan {
    const fragments: FragmentChange[] = [];
    for (const [key, after] of next) fragments.push({ before: this.applied.get(key), after });
    const elements: ElementChange[] = [...touched].map((id) => ({ before: this.programmed.get(id), after: this.elements.effective(id) }));
    return planIncremental(fragments, elements);
  }

  private planFull(next: Map<string, ServiceFragment | undefined>, existing: ExistingTable): Plan {
    const fragments = [...next.values()].filter((f): f is ServiceFragment => f !== undefined);
    return planFull(this.opts.node, fragments, this.elements.all(), existing);
  }
}
