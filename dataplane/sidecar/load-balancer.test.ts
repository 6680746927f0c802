import { describe, expect, it } from '@jest/globals';
import { endpointKey, LoadBalancer } from './load-balancer.js';
import { OutlierDetector } from './outlier.js';

const eps = [1, 2, 3].map((i) => ({ host: `10.0.0.${i}`, port: 80 }));
const keys = (list: Array<{ host: string; port: number } | undefined>): string[] => list.map((e) => (e ? endpointKey(e) : 'none'));

describe('load balancer', () => {
  it('round robin cycles through the endpoints', () => {
    const lb = new LoadBalancer('round_robin', () => 0, () => false);
    expect(keys([1, 2, 3, 4].map(() => lb.pick(eps)))).toEqual(['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.1:80']);
  });

  it('skips ejected and excluded endpoints, but uses them when nothing else is left', () => {
    const ejected = new Set(['10.0.0.1:80']);
    const lb = new LoadBalancer('round_robin', () => 0, (k) => ejected.has(k));
    expect(keys([1, 2, 3].map(() => lb.pick(eps)))).not.toContain('10.0.0.1:80');
    expect(keys([lb.pick(eps, { exclude: new Set(['10.0.0.2:80']) })])).toEqual(['10.0.0.3:80']);
    expect(keys([lb.pick(eps, { exclude: new Set(['10.0.0.2:80', '10.0.0.3:80']) })])).not.toEqual(['10.0.0.1:80']);
    ejected.add('10.0.0.2:80').add('10.0.0.3:80');
    expect(lb.pick(eps)).toBeDefined();
  });

  it('least request prefers the less busy of its two choices', () => {
    const active: Record<string, number> = { '10.0.0.1:80': 5, '10.0.0.2:80': 0, '10.0.0.3:80': 9 };
    const draws = [0, 0.5, 0.9, 0.5];
    const lb = new LoadBalancer('least_request', (k) => active[k]!, () => false, () => draws.shift()!);
    expect(keys([lb.pick(eps), lb.pick(eps)])).toEqual(['10.0.0.2:80', '10.0.0.2:80']);
  });

  it('ring hash sends one key to one endpoint and spreads keys, moving few when an endpoint leaves', () => {
    const lb = new LoadBalancer('ring_hash', () => 0, () => false);
    const users = Array.from({ length: 300 }, (_, i) => `user-${i}`);
    const before = users.map((u) => endpointKey(lb.pick(eps, { hashKey: u })!));
    expect(users.map((u) => endpointKey(lb.pick(eps, { hashKey: u })!))).toEqual(before);
    expect(new Set(before).size).toBe(3);
    const after = users.map((u) => endpointKey(lb.pick(eps.slice(0, 2), { hashKey: u })!));
    const moved = users.filter((_, i) => before[i] !== '10.0.0.3:80' && before[i] !== after[i]);
    expect(moved).toEqual([]);
  });
});

describe('outlier detection', () => {
  it('ejects after consecutive 5xx, for base × count, within the ejection percentage', () => {
    let now = 0;
    const ejected: string[] = [];
    const od = new OutlierDetector({ consecutive5xx: 2, intervalMs: 1000, baseEjectionMs: 100, maxEjectionMs: 300_000, maxEjectionPercent: 10 }, (k) => ejected.push(k), () => now);
    od.record('a', true, 3);
    od.record('a', false, 3);
    od.record('a', true, 3);
    expect(od.isEjected('a')).toBe(false);
    od.record('a', true, 3);
    expect(od.isEjected('a')).toBe(true);
    od.record('b', true, 3);
    od.record('b', true, 3);
    expect(od.isEjected('b')).toBe(false); // 10 % of 3 rounds down, but one may always be ejected: only one
    now = 100;
    expect(od.isEjected('a')).toBe(false);
    od.record('a', true, 3);
    od.record('a', true, 3);
    now = 250;
    expect(od.isEjected('a')).toBe(true); // second ejection lasts 200 ms
    expect(ejected).toEqual(['a', 'a']);
  });

  it('forgets one ejection per healthy interval and caps an ejection at maxEjectionMs', () => {
    let now = 0;
    const od = new OutlierDetector({ consecutive5xx: 1, intervalMs: 1000, baseEjectionMs: 100, maxEjectionMs: 250, maxEjectionPercent: 100 }, () => {}, () => now);
    const ejectAt = (t: number): number => {
      now = t;
      od.record('a', true, 2);
      let until = t;
      while (od.isEjected('a')) now = ++until;
      return until - t;
    };
    expect(ejectAt(0)).toBe(100);
    expect(ejectAt(200)).toBe(200);
    expect(ejectAt(500)).toBe(250); // third ejection: 300 ms capped at 250
    expect(ejectAt(800)).toBe(250);
    // Ejection 4 ended at 1050; 3 healthy intervals later the count is down to 1, so the next one is the second.
    expect(ejectAt(4100)).toBe(200);
  });
});
