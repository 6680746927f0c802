/**
 * Runs one probe attempt. exec probes run in the container (runtime.exec); httpGet and tcpSocket run in
 * a short-lived process inside the pod's network namespace (probe-main.ts), because without CNI the pod has
 * no address the host can reach, and Node cannot enter a namespace in-process.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Container, Probe } from '../../../api/types/core.js';
import type { ContainerRuntime } from '../../runtime/runtime.js';

export interface NetworkProbe {
  kind: 'http' | 'tcp';
  host: string;
  port: number;
  path?: string;
  scheme?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
}

export interface ProbeTarget {
  containerId: string;
  netnsPath: string;
  spec: Container;
}

export interface ProbeAttempt {
  ok: boolean;
  message: string;
}

/** One attempt of `probe` against `target`; never rejects (a probe that cannot run has failed). */
export type ProbeRunner = (probe: Probe, target: ProbeTarget) => Promise<ProbeAttempt>;

const PROBE_MAIN = fileURLToPath(new URL('./probe-main.js', import.meta.url));

/** A port number, or the name of one of the container's ports. */
export function resolvePort(port: number | string, spec: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = spec.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`port "${port}" is not a named port of container ${spec.name}`);
  return named.containerPort;
}

function networkProbe(probe: Probe, spec: Container, timeoutMs: number): NetworkProbe {
  const host = probe.httpGet?.host ?? probe.tcpSocket?.host ?? '127.0.0.1';
  if (probe.httpGet) {
    return {
      kind: 'http', host, port: resolvePort(probe.httpGet.port, spec), path: probe.httpGet.path || '/',
      scheme: probe.httpGet.scheme, timeoutMs,
      headers: Object.fromEntries((probe.httpGet.httpHeaders ?? []).map((h) => [h.name, h.value])),
    };
  }
  return { kind: 'tcp', host, port: resolvePort(probe.tcpSocket!.port, spec), timeoutMs };
}

export function probeRunner(runtime: ContainerRuntime, nsenter = 'nsenter'): ProbeRunner {
  return async (probe, target) => {
    const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
    try {
      if (probe.exec) {
        const result = await runtime.exec(target.containerId, probe.exec.command ?? [], { timeoutMs });
        if (result.timedOut) return { ok: false, message: `command timed out after ${timeoutMs} ms` };
        return { ok: result.exitCode === 0, message: (result.stdout + result.stderr).trim() || `exit code ${result.exitCode}` };
      }
      const spec = JSON.stringify(networkProbe(probe, target.spec, timeoutMs));
      return await new Promise<ProbeAttempt>((resolve) => {
        execFile(nsenter, [`--net=${target.netnsPath}`, process.execPath, PROBE_MAIN, spec], { timeout: timeoutMs + 5000 }, (err, stdout) => {
          resolve({ ok: !err, message: stdout.trim() || (err?.message ?? '') });
        });
      });
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  };
}
