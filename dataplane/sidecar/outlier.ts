/**
 * Consecutive-5xx outlier ejection for one cluster: an endpoint answering `consecutive5xx` 5xx responses (or
 * failing to connect / resetting) in a row is ejected for `baseEjectionMs` × its ejection count, capped at
 * `maxEjectionMs`, unless that would eject more than `maxEjectionPercent` of the endpoints (at least one may always
 * be ejected, as in Envoy). Any success resets the consecutive count; as in Envoy, the ejection count drops by one
 * for each `intervalMs` the endpoint spends back in service, so a host that recovered is not punished forever.
 */
import type { OutlierPolicy } from './config-model.js';

interface HostState { consecutive: number; ejections: number; until: number }

export class OutlierDetector {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private policy: OutlierPolicy | undefined,
    private readonly onEject: (key: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  setPolicy(policy: OutlierPolicy | undefined): void {
    this.policy = policy;
  }

  isEjected(key: string): boolean {
    return (this.hosts.get(key)?.until ?? 0) > this.now();
  }

  /** One upstream outcome of endpoint `key` in a cluster of `endpointCount` endpoints. */
  record(key: string, failed: boolean, endpointCount: number): void {
    if (!this.policy) return;
    const state = this.hosts.get(key) ?? { consecutive: 0, ejections: 0, until: 0 };
    this.hosts.set(key, state);
    if (!failed) {
      state.consecutive = 0;
      return;
    }
    state.consecutive++;
    if (state.consecutive < this.policy.consecutive5xx || this.isEjected(key)) return;
    const ejectedNow = [...this.hosts.keys()].filter((k) => this.isEjected(k)).length;
    const allowed = Math.max(1, Math.floor((endpointCount * this.policy.maxEjectionPercent) / 100));
    if (ejectedNow >= allowed) return;
    const now = this.now();
    // Healthy intervals since the last ejection ended (counted when next needed, instead of a timer per interval).
    if (state.until > 0) state.ejections = Math.max(0, state.ejections - Math.floor((now - state.until) / this.policy.intervalMs));
    state.ejections++;
    state.consecutive = 0;
    const cap = Math.max(this.policy.baseEjectionMs, this.policy.maxEjectionMs);
    state.until = now + Math.min(cap, this.policy.baseEjectionMs * state.ejections);
    this.onEject(key);
  }

  /** Forgets endpoints no longer in the cluster. */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.hosts.keys()) if (!keys.has(k)) this.hosts.delete(k);
  }
}
