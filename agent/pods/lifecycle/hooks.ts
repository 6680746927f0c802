/**
 * Container lifecycle hooks (postStart, preStop). An exec hook runs in the container, an httpGet hook from
 * inside the pod's network namespace to the pod's address (the kubelet's default host), both through the
 * probe runner, whose exec and httpGet have the same shape and pass/fail rules as a hook's.
 */
import type { Container, LifecycleHandler } from '../../../api/types/core.js';
import type { ProbeRunner } from '../probes/probe-runner.js';

export interface HookTarget {
  containerId: string;
  netnsPath: string;
  spec: Container;
  /** The pod's address; loopback when it has none of its own. */
  podIP?: string;
}

export interface HookResult {
  ok: boolean;
  message: string;
}

/** The hook as a one-off probe; undefined when the handler names no action Cairn runs. */
export function hookProbe(handler: LifecycleHandler, podIP: string | undefined, timeoutSeconds: number) {
  if (handler.exec?.command?.length) return { exec: handler.exec, timeoutSeconds };
  if (handler.httpGet) return { httpGet: { ...handler.httpGet, host: handler.httpGet.host || podIP || '127.0.0.1' }, timeoutSeconds };
  return undefined;
}

export async function runHook(run: ProbeRunner, handler: LifecycleHandler, target: HookTarget, timeoutSeconds: number): Promise<HookResult> {
  const probe = hookProbe(handler, target.podIP, timeoutSeconds);
  if (!probe) return { ok: true, message: '' };
  return run(probe, { containerId: target.containerId, netnsPath: target.netnsPath, spec: target.spec });
}
