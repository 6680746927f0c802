/**
 * Ruleset → nftables script for `table inet cairn-policy`. `renderFull` replaces the whole table (first sync, or
 * after a failed one left the kernel state unknown); `renderUpdate` touches only the sets, chains and map
 * elements that differ, so a sync never rewrites what did not change. Either is one `nft -f -` transaction.
 *
 * The forward chain accepts established/related traffic first, so a connection allowed once keeps flowing
 * across updates. Pod chains `return` on allow (so a packet allowed in by the destination's ingress chain is
 * still checked against the source's egress chain) and drop otherwise.
 */
import { formatRange } from './ipv4.js';
import { emptyRuleset, type Allow, type PodChain, type PolicySet, type Ruleset } from './ruleset.js';

export const TABLE = 'cairn-policy';
const T = `inet ${TABLE}`;
const MAPS = { ingress: 'ingress-pods', egress: 'egress-pods' } as const;

function setDeclaration(set: PolicySet): string {
  return set.kind === 'addresses' ? 'type ipv4_addr; flags interval;' : 'type ipv4_addr . inet_proto . inet_service;';
}

function setElements(set: PolicySet): string[] {
  return set.kind === 'addresses'
    ? set.ranges.map(formatRange)
    : set.elements.map((d) => `${d.ip} . ${d.protocol} . ${d.port}`);
}

function allowRules(allow: Allow, chain: PodChain): string[] {
  if (allow.kind === 'destinations') return [`ip daddr . meta l4proto . th dport @${allow.set} return`];
  const peer = allow.peers ? `${chain.direction === 'ingress' ? 'ip saddr' : 'ip daddr'} @${allow.peers} ` : '';
  if (!allow.ports) return [`${peer}return`];
  return allow.ports.map((p) => {
    const ports = p.ports ? ` th dport { ${p.ports.map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`)).join(', ')} }` : '';
    return `${peer}meta l4proto ${p.protocol}${ports} return`;
  });
}

/** The rule lines of a pod chain, ending in drop: what two rulesets compare to decide whether it changed. */
export function chainRules(chain: PodChain): string[] {
  return [...chain.allows.flatMap((a) => allowRules(a, chain)), 'drop'];
}

function mapEntries(r: Ruleset, direction: PodChain['direction']): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, chain] of r.chains) if (chain.direction === direction && !out.has(chain.podIP)) out.set(chain.podIP, name);
  return out;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The statements that turn `prev` (what the kernel holds) into `next`, ordered so every reference resolves. */
export function renderUpdate(prev: Ruleset, next: Ruleset): string[] {
  const out: string[] = [];

  for (const [name, set] of next.sets) {
    const old = prev.sets.get(name);
    const elements = setElements(set);
    if (old && sameList(setElements(old), elements)) continue;
    if (old) out.push(`flush set ${T} ${name}`);
    else out.push(`add set ${T} ${name} { ${setDeclaration(set)} }`);
    if (elements.length) out.push(`add element ${T} ${name} { ${elements.join(', ')} }`);
  }
  for (const [name, chain] of next.chains) {
    const old = prev.chains.get(name);
    const rules = chainRules(chain);
    if (old && sameList(chainRules(old), rules)) continue;
    out.push(old ? `flush chain ${T} ${name}` : `add chain ${T} ${name}`);
    for (const rule of rules) out.push(`add rule ${T} ${name} ${rule}`);
  }
  for (const direction of ['ingress', 'egress'] as const) {
    const before = mapEntries(prev, direction);
    const after = mapEntries(next, direction);
    for (const [ip, chain] of before) if (after.get(ip) !== chain) out.push(`delete element ${T} ${MAPS[direction]} { ${ip} }`);
    for (const [ip, chain] of after) if (before.get(ip) !== chain) out.push(`add element ${T} ${MAPS[direction]} { ${ip} : jump ${chain} }`);
  }
  for (const name of prev.chains.keys()) {
    if (!next.chains.has(name)) out.push(`flush chain ${T} ${name}`, `delete chain ${T} ${name}`);
  }
  for (const name of prev.sets.keys()) if (!next.sets.has(name)) out.push(`delete set ${T} ${name}`);
  return out;
}

/** The whole table from scratch; `add table` first so the delete succeeds when there is none yet. */
export function renderFull(next: Ruleset): string[] {
  return [
    `add table ${T}`,
    `delete table ${T}`,
    `add table ${T}`,
    `add map ${T} ${MAPS.ingress} { type ipv4_addr : verdict; }`,
    `add map ${T} ${MAPS.egress} { type ipv4_addr : verdict; }`,
    `add chain ${T} forward { type filter hook forward priority filter; policy accept; }`,
    `add rule ${T} forward ct state established,related accept`,
    `add rule ${T} forward ip daddr vmap @${MAPS.ingress}`,
    `add rule ${T} forward ip saddr vmap @${MAPS.egress}`,
    ...renderUpdate(emptyRuleset(), next),
  ];
}
