/** Endpoints columns, following kubectl's printEndpoints. */
import type { ApiObject } from '../meta.js';
import type { Endpoints } from '../types/core.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn, joinHostPort } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'),
  ageColumn,
];

const shown = 3;

/**
 * "ip:port" for the first three ready addresses, then "+ N more...".
 * `portNames` restricts to named ports (describe service); undefined means all ports.
 */
export function formatEndpoints(ep: Endpoints, portNames?: Set<string>): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const items: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports || ss.ports.length === 0) {
      // Headless services may have no ports.
      count += addrs.length;
      for (const a of addrs) if (items.length < shown) items.push(a.ip);
      continue;
    }
    for (const port of ss.ports) {
      if (portNames && !portNames.has(port.name ?? '')) continue;
      count += addrs.length;
      for (const a of addrs) if (items.length < shown) items.push(joinHostPort(a.ip, port.port));
    }
  }
  const text = items.join(',');
  return count > shown ? `${text} + ${count - shown} more...` : text;
}

function endpointsCells(obj: ApiObject, now: Date): Cell[] {
  const ep = obj as Endpoints;
  return [ep.metadata.name ?? '', formatEndpoints(ep), formatAge(ep.metadata.creationTimestamp, now)];
}

export const endpointsPrinter: KindPrinter = { columns, cells: endpointsCells };
