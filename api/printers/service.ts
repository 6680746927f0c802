/** Service columns, following kubectl's printService. */
import type { ApiObject } from '../meta.js';
import type { Service, ServicePort } from '../types/core.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn, formatLabels, rec, str, list } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Type', 'string', 'type determines how the Service is exposed. Defaults to ClusterIP.'),
  column('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
  column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
  column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
  ageColumn,
  column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
];

/** Load-balancer ingress IPs (or hostnames), de-duplicated and sorted. */
function loadBalancerAddresses(svc: Service): string[] {
  const out = new Set<string>();
  for (const ing of list(rec(svc.status?.loadBalancer).ingress)) {
    const ip = str(rec(ing).ip);
    const host = str(rec(ing).hostname);
    if (ip) out.add(ip);
    else if (host) out.add(host);
  }
  return [...out].sort();
}

export function serviceExternalIP(svc: Service): string {
  const externalIPs = list(svc.spec?.externalIPs).map(str).filter(Boolean);
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...loadBalancerAddresses(svc), ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return svc.spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** "80/TCP,443:30443/TCP": the node port appears when one is allocated. */
export function formatServicePorts(ports: ServicePort[] | undefined): string {
  return (ports ?? [])
    .map((p) => {
      const proto = p.protocol ?? 'TCP';
      return p.nodePort ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
    })
    .join(',');
}

export function serviceClusterIP(svc: Service): string {
  return svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP || '<none>';
}

function serviceCells(obj: ApiObject, now: Date): Cell[] {
  const svc = obj as Service;
  return [
    svc.metadata.name ?? '',
    svc.spec?.type ?? 'ClusterIP',
    serviceClusterIP(svc),
    serviceExternalIP(svc),
    formatServicePorts(svc.spec?.ports) || '<none>',
    formatAge(svc.metadata.creationTimestamp, now),
    formatLabels(svc.spec?.selector),
  ];
}

export const servicePrinter: KindPrinter = { columns, cells: serviceCells };
