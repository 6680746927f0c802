/**
 * Leader election over a coordination.k8s.io Lease, as client-go's leaderelection: candidates race to write
 * themselves as the lease's holder; the holder renews it every retry period; the others take over only after
 * the lease has gone unrenewed for its duration, timed on their own clock from when they last saw it change
 * (so clock skew between machines does not matter). Every write is a compare-and-swap on resourceVersion, so
 * two candidates can never both succeed. The leader gives up when it cannot renew within the renew deadline,
 * which is shorter than the lease duration: it stops before anyone else may start.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../../api/errors.js';
import type { Lease, LeaseSpec } from '../../api/types/apps.js';
import { microTime } from '../../api/meta.js';

/** The lease verbs the elector needs (a ResourceClient<Lease> has them); errors are ApiErrors. */
export interface LeaseStore {
  get(name: string, namespace?: string): Promise<Lease>;
  create(lease: Lease): Promise<Lease>;
  update(lease: Lease): Promise<Lease>;
}

export interface LeaderCallbacks {
  /** This candidate became leader. `signal` aborts when leadership ends. Not awaited: renewal goes on meanwhile. */
  onStartedLeading(signal: AbortSignal): void;
  /** Leadership ended (lost or stopped). Awaited before the elector competes again or releases the lease, so work never overlaps a successor's. */
  onStoppedLeading(): void | Promise<void>;
  /** The lease was seen held by `identity` (this candidate included) for the first time. */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionConfig extends LeaderCallbacks {
  leases: LeaseStore;
  namespace: string;
  name: string;
  /** Unique per candidate (client-go: hostname + random suffix). */
  identity: string;
  /** How long others wait after the last renewal they saw before taking over (default 15). */
  leaseDurationSeconds?: number;
  /** The leader gives up when it has not renewed for this long (default 10 s; less than the lease duration). */
  renewDeadlineMs?: number;
  /** Between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  now?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export const DEFAULT_LEASE_DURATION_SECONDS = 15;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;
/** Acquire attempts wait retryPeriod plus up to this share of it, so candidates do not poll in step. */
const JITTER = 0.2;

const isApiError = (err: unknown, code: number): boolean => err instanceof ApiError && err.code === code;

/** Checks the timing contract client-go enforces; throws naming what is wrong. */
export function validateLeaderElectionTimings(leaseDurationSeconds: number, renewDeadlineMs: number, retryPeriodMs: number): void {
  if (!Number.isInteger(leaseDurationSeconds) || leaseDurationSeconds < 1) throw new Error('the lease duration must be a whole number of seconds >= 1');
  if (leaseDurationSeconds * 1000 <= renewDeadlineMs) throw new Error('the lease duration must be greater than the renew deadline');
  if (renewDeadlineMs <= (1 + JITTER) * retryPeriodMs) throw new Error(`the renew deadline must be greater than ${1 + JITTER} x the retry period`);
  if (retryPeriodMs <= 0) throw new Error('the retry period must be positive');
}

export class LeaderElector {
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly now: () => number;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly wake = new AbortController();
  /** The lease as last read or written, and when (local clock) it was last seen to change. */
  private observed: Lease | undefined;
  private observedAt = 0;
  private leading = false;

  constructor(private readonly config: LeaderElectionConfig) {
    this.leaseDurationSeconds = config.leaseDurationSeconds ?? DEFAULT_LEASE_DURATION_SECONDS;
    this.renewDeadlineMs = config.renewDeadlineMs ?? DEFAULT_RENEW_DEADLINE_MS;
    this.retryPeriodMs = config.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
    this.now = config.now ?? Date.now;
    validateLeaderElectionTimings(this.leaseDurationSeconds, this.renewDeadlineMs, this.retryPeriodMs);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** The holder of the lease as last seen, if any. */
  get leader(): string | undefined {
    return this.observed?.spec?.holderIdentity || undefined;
  }

  /** Starts competing; returns at once. Leadership is reported through the callbacks. An elector runs once. */
  start(): void {
    if (this.running) return;
    if (this.wake.signal.aborted) throw new Error('a stopped LeaderElector cannot start again');
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Stops competing (and leading, awaiting onStoppedLeading). With `release` (the default, a clean shutdown) the lease is
   * handed back so a standby takes over at its next attempt instead of after the lease duration; without it the
   * lease is left to expire, as after a crash.
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake.abort();
    await this.loop;
    if (opts.release ?? true) await this.release();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (!(await this.tryAcquireOrRenew())) {
        await this.pause(this.retryPeriodMs * (1 + Math.random() * JITTER));
        continue;
      }
      this.config.log?.('leader election: became leader', { lease: `${this.config.namespace}/${this.config.name}`, identity: this.config.identity });
      this.leading = true;
      const leadership = new AbortController();
      this.config.onStartedLeading(leadership.signal);
      await this.renewUntilLost();
      this.leading = false;
      leadership.abort();
      await this.config.onStoppedLeading();
    }
  }

  /** Renews every retry period until stopped or until a renewal deadline passes without success. */
  private async renewUntilLost(): Promise<void> {
    // Timed from before the request that renewed: others count the lease duration from no earlier than that.
    let renewedAt = this.now();
    while (this.running) {
      await this.pause(this.retryPeriodMs);
      if (!this.running) return;
      const attemptAt = this.now();
      const left = renewedAt + this.renewDeadlineMs - attemptAt;
      if (left > 0 && (await withDeadline(this.tryAcquireOrRenew(), left))) {
        renewedAt = attemptAt;
      } else if (this.now() - renewedAt >= this.renewDeadlineMs) {
        this.config.log?.('leader election: lost the lease (renew deadline passed)', { lease: `${this.config.namespace}/${this.config.name}`, identity: this.config.identity });
        return;
      }
    }
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.wake.signal }).catch(() => {});
  }

  /** One attempt: true when this candidate holds the lease afterwards. Failures are answers (false), never exceptions. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { leases, name, namespace, identity } = this.config;
    const now = this.now();
    try {
      let current: Lease;
      try {
        current = await leases.get(name, namespace);
      } catch (err) {
        if (!isApiError(err, 404)) throw err;
        const created = await leases.create({
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace },
          spec: this.heldSpec(undefined, now),
        });
        this.observe(created, now);
        return true;
      }
      this.observe(current, now);
      const holder = current.spec?.holderIdentity;
      const expiresAt = this.observedAt + (current.spec?.leaseDurationSeconds ?? this.leaseDurationSeconds) * 1000;
      if (holder && holder !== identity && expiresAt > now) return false;
      const updated = await leases.update({ ...current, spec: this.heldSpec(current.spec, now) });
      this.observe(updated, now);
      return true;
    } catch (err) {
      // A conflict means another candidate wrote first; anything else (API down) is retried next period.
      if (!isApiError(err, 409)) this.config.log?.('leader election: lease request failed', { error: (err as Error).message });
      return false;
    }
  }

  /** The spec with this candidate as holder, renewed at `now`; a new holder counts a transition. */
  private heldSpec(previous: LeaseSpec | undefined, now: number): LeaseSpec {
    const stamp = microTime(new Date(now));
    const renewing = previous?.holderIdentity === this.config.identity;
    return {
      holderIdentity: this.config.identity,
      leaseDurationSeconds: this.leaseDurationSeconds,
      acquireTime: renewing ? previous?.acquireTime ?? stamp : stamp,
      renewTime: stamp,
      leaseTransitions: previous ? (previous.leaseTransitions ?? 0) + (renewing ? 0 : 1) : 0,
    };
  }

  private observe(lease: Lease, now: number): void {
    const before = this.observed;
    if (before?.metadata.resourceVersion === lease.metadata.resourceVersion) return;
    this.observed = lease;
    this.observedAt = now;
    const holder = lease.spec?.holderIdentity;
    if (holder && holder !== before?.spec?.holderIdentity) this.config.onNewLeader?.(holder);
  }

  /** Hands the lease back (no holder, 1 s duration) if this candidate still holds it; best effort. */
  private async release(): Promise<void> {
    const { leases, name, namespace, identity } = this.config;
    try {
      const current = await leases.get(name, namespace);
      if (current.spec?.holderIdentity !== identity) return;
      const stamp = microTime(new Date(this.now()));
      await leases.update({ ...current, spec: { leaseDurationSeconds: 1, acquireTime: stamp, renewTime: stamp, leaseTransitions: current.spec.leaseTransitions ?? 0 } });
    } catch (err) {
      this.config.log?.('leader election: could not release the lease', { error: (err as Error).message });
    }
  }
}

/** `promise`'s value, or false when it has not settled within `ms` (the request itself goes on, ignored). */
async function withDeadline(promise: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
