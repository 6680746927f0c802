/**
 * Endpoint choice within one cluster, by its LB policy: round robin, least request (the better of two random
 * choices by active requests, Envoy's default), ring hash (a consistent-hash ring of the endpoints, keyed by a
 * request header's value; a request without the header gets a random endpoint), random.
 *
 * Candidates are the endpoints neither ejected nor `exclude`d (the hosts a retry already tried); if excluding
 * leaves none the excluded are allowed again, and if every endpoint is ejected all are used (Envoy's panic mode:
 * better a possibly bad endpoint than none).
 */
import { createHash } from 'node:crypto';
import type { Endpoint, LbPolicy } from './config-model.js';

export const endpointKey = (e: Endpoint): string => `${e.host}:${e.port}`;

export interface PickOptions {
  hashKey?: string;
  exclude?: ReadonlySet<string>;
}

/** Virtual nodes per endpoint on the ring (Envoy's minimum ring size is 1024 for the whole ring). */
const RING_REPLICAS = 128;

function hash64(text: string): bigint {
  return createHash('sha256').update(text).digest().readBigUInt64BE(0);
}

export class LoadBalancer {
  private next = 0;
  private ring: { key: string; points: Array<{ at: bigint; endpoint: Endpoint }> } | undefined;

  constructor(
    readonly policy: LbPolicy,
    /** Requests in flight to an endpoint (by endpointKey), for least request. */
    private readonly active: (key: string) => number,
    private readonly ejected: (key: string) => boolean,
    private readonly random: () => number = Math.random,
  ) {}

  pick(endpoints: readonly Endpoint[], opts: PickOptions = {}): Endpoint | undefined {
    if (endpoints.length === 0) return undefined;
    const healthy = endpoints.filter((e) => !this.ejected(endpointKey(e)));
    const pool = healthy.length ? healthy : endpoints;
    const fresh = opts.exclude?.size ? pool.filter((e) => !opts.exclude!.has(endpointKey(e))) : pool;
    const candidates = fresh.length ? fresh : pool;
    switch (this.policy) {
      case 'round_robin':
        return candidates[this.next++ % candidates.length];
      case 'random':
        return candidates[Math.floor(this.random() * candidates.length)];
      case 'least_request': {
        const a = candidates[Math.floor(this.random() * candidates.length)]!;
        const b = candidates[Math.floor(this.random() * candidates.length)]!;
        return this.active(endpointKey(b)) < this.active(endpointKey(a)) ? b : a;
      }
      case 'ring_hash': {
        if (opts.hashKey === undefined) return candidates[Math.floor(this.random() * candidates.length)];
        return this.onRing(candidates, opts.hashKey);
      }
    }
  }

  /** The first ring point at or after the key's hash (wrapping), over the candidates' points only. */
  private onRing(candidates: readonly Endpoint[], hashKey: string): Endpoint {
    const key = candidates.map(endpointKey).join(',');
    if (this.ring?.key !== key) {
      const points = candidates.flatMap((endpoint) => Array.from({ length: RING_REPLICAS }, (_, i) => ({ at: hash64(`${endpointKey(endpoint)}_${i}`), endpoint })));
      points.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
      this.ring = { key, points };
    }
    const points = this.ring.points;
    const h = hash64(hashKey);
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid]!.at < h) lo = mid + 1;
      else hi = mid;
    }
    return points[lo % points.length]!.endpoint;
  }
}
