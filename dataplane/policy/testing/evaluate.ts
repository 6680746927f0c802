/**
 * A reference evaluator of a Ruleset, for tests: decides a new connection the way the rendered nftables does
 * (destination's ingress chain, then source's egress chain), so compile tests state semantics, not rule text.
 */
import { parseIpv4 } from '../../../api/ipv4.js';
import { rangeContains } from '../ipv4.js';
import type { Allow, Direction, PodChain, Protocol, Ruleset } from '../ruleset.js';

export interface Packet { src: string; dst: string; protocol?: Protocol; port: number }

function inSet(r: Ruleset, name: string, ip: string): boolean {
  const set = r.sets.get(name);
  if (set?.kind !== 'addresses') throw new Error(`no address set ${name}`);
  return rangeContains(set.ranges, ip);
}

function matches(r: Ruleset, allow: Allow, chain: PodChain, p: Packet): boolean {
  const protocol = p.protocol ?? 'tcp';
  if (allow.kind === 'destinations') {
    const set = r.sets.get(allow.set);
    if (set?.kind !== 'destinations') throw new Error(`no destination set ${allow.set}`);
    return set.elements.some((d) => d.ip === p.dst && d.protocol === protocol && d.port === p.port);
  }
  if (allow.peers && !inSet(r, allow.peers, chain.direction === 'ingress' ? p.src : p.dst)) return false;
  return !allow.ports || allow.ports.some((m) => m.protocol === protocol && (!m.ports || m.ports.some(([a, b]) => p.port >= a && p.port <= b)));
}

function passes(r: Ruleset, direction: Direction, ip: string, p: Packet): boolean {
  const address = parseIpv4(ip);
  const chain = [...r.chains.values()].find((c) => c.direction === direction && address !== undefined && parseIpv4(c.podIP) === address);
  return !chain || chain.allows.some((a) => matches(r, a, chain, p));
}

export function allowed(r: Ruleset, p: Packet): boolean {
  return passes(r, 'ingress', p.dst, p) && passes(r, 'egress', p.src, p);
}
