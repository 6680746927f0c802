/** The proxy's model of nftables state: a fixed skeleton plus one fragment per Service, diffed fragment by fragment. */

/** The single table the proxy owns in its host namespace (networking design: nobody else touches it). */
export const TABLE = 'cairn-proxy';
export const FAMILY = 'ip';

/** What the compiler needs to know about the node it programs. */
export interface ProxyNodeInfo {
  /** The cluster pod CIDR (e.g. 10.244.0.0/16): service traffic from outside it is masqueraded. */
  clusterCIDR: string;
  /**
   * Addresses NodePorts answer on. Empty or absent: every local address except loopback
   * (`fib daddr type local`), as kube-proxy does by default.
   */
  nodeIPs?: string[];
}

/** One element of one of the table's maps or sets; `elementId` is unique across the table. */
export interface MapElement {
  map: string;
  /** Key in nft syntax, e.g. `10.96.0.10 . udp . 53`. */
  key: string;
  /** Data in nft syntax, e.g. `goto pick-3` or `10.244.1.2 . 8080`; absent for a set element. */
  value?: string;
}

export function elementId(e: Pick<MapElement, 'map' | 'key'>): string {
  return `${e.map} ${e.key}`;
}

/**
 * Everything one Service contributes. Chain and set names embed the service's namespace/name, so fragments of
 * different services never share a chain or set; map keys (VIP:port, nodePort) can collide between services
 * and are arbitrated by the element table.
 */
export interface ServiceFragment {
  /** Chain name → rule bodies, in order. */
  chains: Map<string, string[]>;
  /** Set name → declaration body (between the braces). */
  sets: Map<string, string>;
  elements: MapElement[];
}

export function emptyFragment(): ServiceFragment {
  return { chains: new Map(), sets: new Map(), elements: [] };
}
