import { describe, expect, it } from '@jest/globals';
import { ClusterRuntimes } from './cluster-runtime.js';
import { EMPTY_CONFIG, type ClusterEntry, type ProxyConfig } from './config-model.js';
import { SidecarStats } from './stats.js';

const entry = (over: Partial<ClusterEntry> = {}): ClusterEntry => ({ name: 'c', edsName: 'c', lb: 'round_robin', connectTimeoutMs: 1000, thresholds: {}, ...over });
const configWith = (...clusters: ClusterEntry[]): ProxyConfig => ({ ...EMPTY_CONFIG, clusters: new Map(clusters.map((c) => [c.name, c])) });
const endpoint = { host: '127.0.0.1', port: 1 };

describe('cluster runtimes', () => {
  it('are moved forward by config swaps only, never back by a request on an older config', () => {
    const runtimes = new ClusterRuntimes(new SidecarStats());
    const old = entry();
    const runtime = runtimes.get(old);
    const next = entry({ lb: 'least_request' });
    runtimes.sync(configWith(next), () => [endpoint]);
    const lb = runtime.lb;
    expect(runtimes.get(old)).toBe(runtime);
    expect(runtime.cluster).toBe(next);
    expect(runtime.lb).toBe(lb);
    runtimes.closeAll();
  });

  it('drain a removed cluster: its agents stay until the last request ends, and none is made after', () => {
    const runtimes = new ClusterRuntimes(new SidecarStats());
    const c = entry();
    runtimes.sync(configWith(c), () => [endpoint]);
    const runtime = runtimes.get(c);
    const end = runtime.begin();
    const agent = runtime.agent(endpoint);
    runtimes.sync(EMPTY_CONFIG, () => []);
    expect(runtimes.get(c)).toBe(runtime);
    expect(runtime.agent(endpoint)).toBe(agent);
    end();
    const after = runtime.agent(endpoint);
    expect(after).not.toBe(agent);
    // Node keeps the option on the agent; @types/node does not declare it.
    expect((after as typeof after & { keepAlive: boolean }).keepAlive).toBe(false);
    expect(runtime.agent(endpoint)).toBe(after);
    runtimes.closeAll();
  });
});
