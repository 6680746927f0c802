/**
 * The pure half of the endpoints controller: which pods back a Service, on which ports, packed into
 * Endpoints subsets in a canonical order (so an unchanged set of pods yields an identical object).
 */
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service, ServicePort } from '../../../api/types/core.js';

/** The label kube-controller-manager puts on the Endpoints of a headless service. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export function isHeadless(svc: Service): boolean {
  return svc.spec.clusterIP === 'None';
}

/** A selector with no keys counts as "no selector": like Kubernetes, such a service's Endpoints are user-managed. */
export function hasSelector(svc: Service): boolean {
  return Object.keys(svc.spec.selector ?? {}).length > 0;
}

export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Pods that can serve: they have an address, are not terminating and have not finished (ShouldPodBeInEndpoints). */
function podServes(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !!pod.status?.podIP && !pod.metadata.deletionTimestamp && phase !== 'Failed' && phase !== 'Succeeded';
}

/**
 * The pod port a service port reaches: a numeric targetPort as is, a named one looked up among the pod's
 * container ports of the same protocol (undefined when the pod has no such port), no targetPort = the port.
 */
export function resolveTargetPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const protocol = sp.protocol ?? 'TCP';
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

function endpointPort(sp: ServicePort, port: number): EndpointPort {
  return { ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) };
}

function endpointAddress(svc: Service, pod: Pod): EndpointAddress {
  const { hostname, subdomain, nodeName } = pod.spec;
  const named = !!hostname && subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
  return {
    ip: pod.status!.podIP!,
    ...(named ? { hostname } : {}),
    ...(nodeName ? { nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const portKey = (p: EndpointPort): string => `${p.name ?? ''}/${p.protocol}/${p.port}/${p.appProtocol ?? ''}`;
const addressKey = (a: EndpointAddress): string => `${a.ip}/${a.targetRef?.name ?? ''}`;

/**
 * The subsets of `svc`'s Endpoints given the pods of its namespace. Addresses are grouped by identical
 * port sets (one subset per set); ports, addresses and subsets are sorted, so the result is canonical.
 * A pod that resolves none of the service's ports is left out; a service without ports (headless) gets
 * its pods in one port-less subset.
 */
export function computeSubsets(svc: Service, pods: Iterable<Pod>): EndpointSubset[] {
  const servicePorts = svc.spec.ports ?? [];
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of pods) {
    if (pod.metadata.namespace !== svc.metadata.namespace || !selectorMatches(svc.spec.selector, pod.metadata.labels) || !podServes(pod)) continue;
    const ports: EndpointPort[] = [];
    for (const sp of servicePorts) {
      const port = resolveTargetPort(pod, sp);
      if (port !== undefined) ports.push(endpointPort(sp, port));
    }
    if (servicePorts.length > 0 && ports.length === 0) continue;
    ports.sort((a, b) => compareText(portKey(a), portKey(b)));
    const key = ports.map(portKey).join(',');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, ready: [], notReady: [] }));
    const ready = svc.spec.publishNotReadyAddresses === true || isPodReady(pod);
    (ready ? group.ready : group.notReady).push(endpointAddress(svc, pod));
  }
  const byAddress = (a: EndpointAddress, b: EndpointAddress): number => compareText(addressKey(a), addressKey(b));
  return [...groups.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([, g]) => ({
      ...(g.ready.length ? { addresses: g.ready.sort(byAddress) } : {}),
      ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byAddress) } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    }));
}

/** The labels of a service's Endpoints: the service's own, plus the headless marker exactly when it is headless. */
export function endpointsLabels(svc: Service): Record<string, string> {
  const { [HEADLESS_LABEL]: _marker, ...labels } = svc.metadata.labels ?? {};
  return isHeadless(svc) ? { ...labels, [HEADLESS_LABEL]: '' } : labels;
}
