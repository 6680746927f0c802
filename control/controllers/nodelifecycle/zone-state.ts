/**
 * Zone disruption states, as kube's node lifecycle controller computes them, and the tainting rate each allows.
 * The point: a network partition that makes most of a zone (or the whole cluster) look dead must not evict
 * everything, because the likelier cause is the controller's own view, not every node failing at once.
 */
import type { Node } from '../../../api/types/core.js';

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

const LABEL_ZONE = 'topology.kubernetes.io/zone';
const LABEL_REGION = 'topology.kubernetes.io/region';

export interface DisruptionOptions {
  /** Nodes tainted per second in a healthy zone (kube --node-eviction-rate). */
  evictionRate: number;
  /** Rate in a partially disrupted zone larger than `largeClusterThreshold` (kube --secondary-node-eviction-rate). */
  secondaryEvictionRate: number;
  /** Share of not-Ready nodes (with more than two) that makes a zone PartialDisruption (kube --unhealthy-zone-threshold). */
  unhealthyZoneThreshold: number;
  /** A partially disrupted zone of at most this many nodes stops evicting altogether (kube --large-cluster-size-threshold). */
  largeClusterThreshold: number;
}

/** A node's zone key: region and zone labels, as kube's utilnode.GetZoneKey (nodes without them share the '' zone). */
export function zoneOf(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const region = labels[LABEL_REGION] ?? '';
  const zone = labels[LABEL_ZONE] ?? '';
  return region || zone ? `${region}:\0:${zone}` : '';
}

/** kube's ComputeZoneState: FullDisruption when no node is Ready; PartialDisruption past the threshold. */
export function computeZoneState(ready: number, notReady: number, unhealthyZoneThreshold: number): ZoneState {
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / (ready + notReady) >= unhealthyZoneThreshold) return 'PartialDisruption';
  return 'Normal';
}

/**
 * Tainting rate (nodes/s) for a zone in `state` holding `size` nodes. A fully disrupted zone is treated as
 * gone and evicted at the normal rate; when every zone is fully disrupted the caller stops evicting instead.
 */
export function zoneEvictionRate(state: ZoneState, size: number, opts: DisruptionOptions): number {
  if (state === 'PartialDisruption') return size > opts.largeClusterThreshold ? opts.secondaryEvictionRate : 0;
  return opts.evictionRate;
}

/** True when every zone is fully disrupted: the controller then lifts its taints and evicts nothing (kube's "master disruption" mode). */
export function allFullyDisrupted(states: Iterable<ZoneState>): boolean {
  let any = false;
  for (const s of states) {
    if (s !== 'FullDisruption') return false;
    any = true;
  }
  return any;
}
