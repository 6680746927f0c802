/** A pod's QoS class (Guaranteed, Burstable, BestEffort), computed from cpu and memory as the kubelet does. */
import { isObject } from '../meta.js';
import { quantityToMilli } from '../quantity.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = ['cpu', 'memory'] as const;

function milli(q: unknown): bigint {
  try {
    return typeof q === 'string' || typeof q === 'number' ? quantityToMilli(q) : 0n;
  } catch {
    return 0n;
  }
}

function resourceList(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

/**
 * Guaranteed: every container limits cpu and memory and requests equal limits. BestEffort: nothing requested or
 * limited. Burstable: anything else. A limit without a request counts as requesting the limit (the defaulter's rule),
 * so the answer is the same before and after defaulting.
 */
export function computeQOSClass(spec: unknown): QOSClass {
  const s = isObject(spec) ? spec : {};
  const containers = [s.initContainers, s.containers].flatMap((l) => (Array.isArray(l) ? l.filter(isObject) : []));
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  for (const c of containers) {
    const res = resourceList(c.resources);
    const lim = resourceList(res.limits);
    const req = { ...lim, ...resourceList(res.requests) };
    for (const name of QOS_RESOURCES) {
      const r = milli(req[name]);
      if (r > 0n) requests.set(name, (requests.get(name) ?? 0n) + r);
      const l = milli(lim[name]);
      if (l > 0n) limits.set(name, (limits.get(name) ?? 0n) + l);
    }
    if (!QOS_RESOURCES.every((name) => milli(lim[name]) > 0n)) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, r] of requests) if (limits.get(name) !== r) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
