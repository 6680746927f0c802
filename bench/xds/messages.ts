/** The IPC between the benchmark and its client processes (bench/xds/client-proc.ts). Times are hrNow() values. */
import type { Target } from './ads-client.js';

export type ToClients =
  | { type: 'start'; address: string; streams: number; perChannel: number; firstId: number }
  | { type: 'watch'; id: number; target: Target; timeoutMs: number };

export type FromClients =
  /** The process has loaded its protos and waits for `start`. */
  | { type: 'loaded' }
  /** Every stream holds full state: `at` is when the last one became complete. */
  | { type: 'ready'; at: number; failed: number; counts: Record<string, number> }
  | { type: 'armed'; id: number }
  /** One entry per stream that reached the target: when the response carrying it arrived, and when the client ACKed it. */
  | { type: 'watched'; id: number; receivedAt: number[]; ackedAt: number[]; missing: number }
  | { type: 'error'; message: string };

/** Milliseconds on CLOCK_MONOTONIC, which every process on the machine shares (performance.now() does not). */
export function hrNow(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}
