/** The shape of each node in a hollow fleet: names, zones, taints and capacity, decided by its index alone. Pure. */
import type { ResourceList, Taint } from '../../api/types/core.js';
import type { NodeShape, NodeSoftware } from '../node/node-object.js';
import { hollowNodeIP } from './addresses.js';

/** Every hollow node carries this label, valued with its fleet's name prefix, so a fleet can be listed or cleaned up. */
export const LABEL_HOLLOW_FLEET = 'node.cairn.dev/hollow-fleet';

export interface FleetConfig {
  nodes: number;
  /** Names are `hollow-<namePrefix>-00001` ... */
  namePrefix: string;
  /** Zones `zone-0` ... `zone-<zones-1>`, given round-robin; 0 leaves nodes without a zone label. */
  zones: number;
  region?: string;
  capacity: ResourceList;
  reserved?: ResourceList;
  labels?: Record<string, string>;
  taints: Taint[];
  /** Share of the nodes that get `taints`, spread evenly over the fleet (0..1). */
  taintFraction: number;
}

export function hollowNodeName(prefix: string, index: number, total: number): string {
  return `hollow-${prefix}-${String(index).padStart(Math.max(5, String(total).length), '0')}`;
}

export function zoneOf(index: number, zones: number): string | undefined {
  return zones > 0 ? `zone-${(index - 1) % zones}` : undefined;
}

/** Node `index` (1-based) is tainted when the running count floor(index x fraction) steps up there: exactly floor(n x fraction) of the first n nodes are. */
export function isTainted(index: number, fraction: number): boolean {
  // The epsilon keeps 0.1 x 10 from landing just below 1 in floating point.
  const upTo = (i: number): number => Math.floor(i * fraction + 1e-9);
  return upTo(index) > upTo(index - 1);
}

export function fleetNodeShape(config: FleetConfig, index: number, arch: string, software: NodeSoftware): NodeShape {
  const name = hollowNodeName(config.namePrefix, index, config.nodes);
  return {
    name,
    capacity: config.capacity,
    reserved: config.reserved,
    arch,
    zone: zoneOf(index, config.zones),
    region: config.region,
    labels: { ...config.labels, [LABEL_HOLLOW_FLEET]: config.namePrefix },
    taints: isTainted(index, config.taintFraction) ? config.taints : [],
    internalIP: hollowNodeIP(index),
    software,
  };
}
