/** From a Service backend to the addresses that can take a request now: the ready endpoints of the chosen port. */
import type { Endpoints, Service, ServicePort } from '../../api/types/core.js';
import type { ServiceBackendPort } from '../../api/types/networking.js';

export interface Upstream {
  host: string;
  port: number;
}

/** The Service port an Ingress backend names, by number or by name. */
export function findServicePort(svc: Service, port: ServiceBackendPort): ServicePort | undefined {
  return (svc.spec?.ports ?? []).find((p) => (port.name ? p.name === port.name : p.port === port.number) && (p.protocol ?? 'TCP') === 'TCP');
}

/**
 * Ready addresses (never `notReadyAddresses`) with the endpoint port that carries the Service port: the endpoints
 * controller names each endpoint port after its Service port, so the two match by name ('' for a lone unnamed port).
 */
export function readyUpstreams(svc: Service | undefined, eps: Endpoints | undefined, port: ServiceBackendPort): Upstream[] {
  const servicePort = svc && findServicePort(svc, port);
  if (!servicePort) return [];
  const out: Upstream[] = [];
  for (const subset of eps?.subsets ?? []) {
    const target = (subset.ports ?? []).find((p) => (p.name ?? '') === (servicePort.name ?? '') && (p.protocol ?? 'TCP') === 'TCP');
    if (!target) continue;
    for (const addr of subset.addresses ?? []) out.push({ host: addr.ip, port: target.port });
  }
  return out;
}

/** Round robin per backend key; the counter survives endpoint changes, so a shrinking set keeps spreading load. */
export class RoundRobin {
  private readonly next = new Map<string, number>();

  pick<T>(key: string, choices: readonly T[]): T | undefined {
    if (choices.length === 0) return undefined;
    const n = this.next.get(key) ?? 0;
    this.next.set(key, (n + 1) % Number.MAX_SAFE_INTEGER);
    return choices[n % choices.length];
  }
}
