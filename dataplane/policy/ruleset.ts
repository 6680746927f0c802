/**
 * What one node enforces, as data: the compiler builds it from API objects, the renderer writes it (or the
 * difference from the last one) as nftables, and tests evaluate it directly.
 */
import type { Range } from './ipv4.js';

export type Protocol = 'tcp' | 'udp' | 'sctp';
export type Direction = 'ingress' | 'egress';

/** A protocol and, when given, destination port ranges; no ranges means any port of the protocol. */
export interface PortMatch { protocol: Protocol; ports?: Range[] }

/**
 * One way a packet may pass a pod's chain.
 * `peers`: the remote side (source for ingress, destination for egress) must be in that address set; absent: any.
 * `ports`: absent means any protocol and port.
 * `destinations`: the packet's (destination address, protocol, port) must be in that set: egress named ports,
 * resolved on each destination pod, with the rule's peers already applied.
 */
export type Allow =
  | { kind: 'peers'; peers?: string; ports?: PortMatch[] }
  | { kind: 'destinations'; set: string };

export interface AddressSet { kind: 'addresses'; ranges: Range[] }
export interface Destination { ip: string; protocol: Protocol; port: number }
export interface DestinationSet { kind: 'destinations'; elements: Destination[] }
export type PolicySet = AddressSet | DestinationSet;

/** A local pod's chain for one direction: a packet passes when any allow matches, and is dropped otherwise. */
export interface PodChain { direction: Direction; podIP: string; pod: string; allows: Allow[] }

export interface Ruleset {
  /** By nftables set name. */
  sets: Map<string, PolicySet>;
  /** By nftables chain name. */
  chains: Map<string, PodChain>;
}

export function emptyRuleset(): Ruleset {
  return { sets: new Map(), chains: new Map() };
}
