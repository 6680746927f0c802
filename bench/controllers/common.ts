/** What both controller scenarios share: the namespace, the Deployment they roll, polling and reporting. */
import { performance } from 'node:perf_hooks';
import type { Deployment } from '../../api/types/apps.js';
import type { BenchCluster } from '../lib/bench-cluster.js';

export const NS = 'bench';

export const progress = (line: string): void => { process.stderr.write(`  ${line}\n`); };
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Calls `check` every `everyMs` until it returns a value; `report` runs at most every 5 s with the elapsed
 * time. Throws after `timeoutMs` with `describe()`, so a stuck run says where it stood.
 */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, opts: { everyMs: number; timeoutMs: number; report?: (elapsedMs: number) => void; describe?: () => string }): Promise<T> {
  const start = performance.now();
  let lastReport = start;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    const now = performance.now();
    if (now - start > opts.timeoutMs) throw new Error(`timed out after ${seconds(now - start)} waiting for ${what}${opts.describe ? `: ${opts.describe()}` : ''}`);
    if (opts.report && now - lastReport >= 5000) {
      lastReport = now;
      opts.report(now - start);
    }
    await sleep(opts.everyMs);
  }
}

/** A Deployment of `replicas` pods labelled app=`name`; hollow nodes run any image. */
export function deployment(name: string, replicas: number, nodeSelector?: Record<string, string>): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'cairn/bench:1' }], ...(nodeSelector ? { nodeSelector } : {}) },
      },
    },
  };
}

/** CPU each daemon used since `before`, as a share of one core over `ms`. */
export function cpuShare(cluster: BenchCluster, before: Record<string, number>, ms: number): string {
  return Object.entries(cluster.cpu()).filter(([, s]) => !Number.isNaN(s))
    .map(([name, s]) => `${name} ${((100 * (s - (before[name] ?? 0))) / (ms / 1000)).toFixed(0)}%`).join(', ');
}
