/** Columns for the mesh.cairn.dev kinds. Stored objects passed validation, but cells still read defensively. */
import type { ApiObject } from '../meta.js';
import type { Cell, KindPrinter } from './types.js';
import { ageColumn, column, list, nameColumn, rec, str } from './helpers.js';
import { formatAge } from './duration.js';

const serviceColumn = column('Service', 'string', 'The Service this policy applies to.');

function orNone(value: string): string {
  return value || '<none>';
}

export const trafficRoutePrinter: KindPrinter = {
  columns: [nameColumn, serviceColumn, column('Rules', 'integer', 'Number of routing rules, tried in order.'), ageColumn],
  cells(obj: ApiObject, now: Date): Cell[] {
    const spec = rec(obj.spec);
    return [obj.metadata.name ?? '', str(spec.service), list(spec.rules).length, formatAge(obj.metadata.creationTimestamp, now)];
  },
};

export const destinationPolicyPrinter: KindPrinter = {
  columns: [
    nameColumn, serviceColumn,
    column('Policy', 'string', 'Load-balancing policy clients use for the Service\'s endpoints.'),
    column('TLS', 'string', 'Whether clients use mutual TLS to the Service.', 1),
    ageColumn,
  ],
  cells(obj: ApiObject, now: Date): Cell[] {
    const spec = rec(obj.spec);
    return [
      obj.metadata.name ?? '', str(spec.service), orNone(str(rec(spec.loadBalancer).policy)), orNone(str(rec(spec.tls).mode)),
      formatAge(obj.metadata.creationTimestamp, now),
    ];
  },
};

export const meshAuthorizationPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Service', 'string', 'The Service this policy guards, or <namespace default>.'),
    column('Action', 'string', 'Allow or Deny.'),
    column('Sources', 'integer', 'Number of callers the policy names.', 1),
    ageColumn,
  ],
  cells(obj: ApiObject, now: Date): Cell[] {
    const spec = rec(obj.spec);
    const isDefault = spec.destination === undefined;
    return [
      obj.metadata.name ?? '',
      isDefault ? '<namespace default>' : str(rec(spec.destination).service),
      str(isDefault ? spec.default : spec.action),
      list(spec.sources).length,
      formatAge(obj.metadata.creationTimestamp, now),
    ];
  },
};
