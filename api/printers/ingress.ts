/** Ingress and IngressClass columns, following kubectl's printIngress and printIngressClass. */
import type { ApiObject } from '../meta.js';
import type { Ingress, IngressClass } from '../types/networking.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn, rec, str, list } from './helpers.js';
import { formatAge } from './duration.js';

const MAX_HOSTS = 3;
/** kubectl trims the address column to this width unless asked for wide output (servers send the short form). */
const ADDRESS_WIDTH = 16;

const columns = [
  nameColumn,
  column('Class', 'string', 'The name of the IngressClass resource that should be used for this Ingress.'),
  column('Hosts', 'string', 'Hosts that incoming requests are matched against before the path is matched.'),
  column('Address', 'string', 'Address is a list containing ingress points for the load-balancer.'),
  column('Ports', 'string', 'Ports of the load-balancer.'),
  ageColumn,
];

/** The first three hosts, "+ N more..." for the rest; `*` when no rule names a host. */
export function formatIngressHosts(ing: Ingress): string {
  const rules = list(ing.spec?.rules).map(rec);
  const hosts = rules.map((r) => str(r.host)).slice(0, MAX_HOSTS).filter(Boolean);
  if (hosts.length === 0) return '*';
  return rules.length > MAX_HOSTS ? `${hosts.join(',')} + ${rules.length - MAX_HOSTS} more...` : hosts.join(',');
}

export function ingressAddress(ing: Ingress): string {
  const all = list(rec(rec(ing.status).loadBalancer).ingress).map(rec).map((e) => str(e.ip) || str(e.hostname)).filter(Boolean).join(',');
  return all.length > ADDRESS_WIDTH ? `${all.slice(0, ADDRESS_WIDTH - 3)}...` : all;
}

function ingressCells(obj: ApiObject, now: Date): Cell[] {
  const ing = obj as Ingress;
  return [
    ing.metadata.name ?? '',
    str(ing.spec?.ingressClassName) || '<none>',
    formatIngressHosts(ing),
    ingressAddress(ing),
    list(ing.spec?.tls).length > 0 ? '80, 443' : '80',
    formatAge(ing.metadata.creationTimestamp, now),
  ];
}

export const ingressPrinter: KindPrinter = { columns, cells: ingressCells };

const classColumns = [
  nameColumn,
  column('Controller', 'string', 'Controller that is responsible for handling this class.'),
  column('Parameters', 'string', 'A reference to a resource with additional parameters.'),
  ageColumn,
];

function ingressClassCells(obj: ApiObject, now: Date): Cell[] {
  const ic = obj as IngressClass;
  const params = ic.spec?.parameters;
  const parameters = params ? `${params.kind}${params.apiGroup ? `.${params.apiGroup}` : ''}/${params.name}` : '<none>';
  return [ic.metadata.name ?? '', str(ic.spec?.controller), parameters, formatAge(ic.metadata.creationTimestamp, now)];
}

export const ingressClassPrinter: KindPrinter = { columns: classColumns, cells: ingressClassCells };
