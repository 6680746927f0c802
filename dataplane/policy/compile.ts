/**
 * NetworkPolicies + Pods + Namespaces → the Ruleset one node enforces. Pure, so the semantics are table-tested.
 *
 * Kubernetes semantics: a pod selected by no policy of a type is unrestricted in that direction; a selected pod
 * accepts exactly the union of what the selecting policies' rules allow. Ingress is enforced at the destination's
 * node, egress at the source's, so only pods on `nodeName` get chains; peers may be pods on any node.
 * IPv4 only: IPv6 ipBlocks and pod addresses match nothing (the pod network is IPv4).
 */
import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { parseIpv4 } from '../../api/ipv4.js';
import type { ObjectMeta } from '../../api/meta.js';
import { effectivePolicyTypes } from '../../api/kinds/networkpolicy.js';
import { labelSelectorFromObject, type Selector } from '../../api/selectors.js';
import type { LabelSelector, Namespace, Pod } from '../../api/types/core.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkProtocol } from '../../api/types/network-policy.js';
import { cidrRange, mergeRanges, rangeContains, subtractRanges, type Range } from './ipv4.js';
import { emptyRuleset, type Allow, type Destination, type Direction, type PortMatch, type Protocol, type Ruleset } from './ruleset.js';

export interface PolicyInputs {
  nodeName: string;
  policies: readonly NetworkPolicy[];
  pods: readonly Pod[];
  namespaces: readonly Namespace[];
}

const PROTOCOLS: Record<NetworkProtocol, Protocol> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };
const CHAIN_PREFIX: Record<Direction, string> = { ingress: 'ing', egress: 'egr' };
const MAX_NAME = 200;

/** A readable nftables name (`ing-default.db`); names too long for nftables become a hash of themselves. */
export function nftName(prefix: string, ...parts: string[]): string {
  const name = `${prefix}-${parts.join('.')}`;
  return name.length <= MAX_NAME ? name : `${prefix}-${createHash('sha256').update(name).digest('hex').slice(0, 32)}`;
}

function podIP(pod: Pod): string | undefined {
  const ip = pod.status?.podIP;
  return ip && isIPv4(ip) ? ip : undefined;
}

/** Pods that own a pod-network address: running or pending with an IP, not host-network. */
function hasPodAddress(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.spec?.hostNetwork && phase !== 'Succeeded' && phase !== 'Failed' && podIP(pod) !== undefined;
}

/** An unparsable selector (validation should have refused it) selects nothing rather than everything. */
function selector(sel: LabelSelector | undefined): Selector | undefined {
  try {
    return labelSelectorFromObject(sel);
  } catch {
    return undefined;
  }
}

function objectKey(obj: { metadata: ObjectMeta }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/** One port entry before named ports are resolved; no `port` means every port of the protocol. */
type PortEntry = { protocol: Protocol; range?: Range } | { protocol: Protocol; name: string };

function portEntries(ports: readonly NetworkPolicyPort[]): PortEntry[] {
  return ports.map((p) => {
    const protocol = PROTOCOLS[p.protocol ?? 'TCP'] ?? 'tcp';
    if (typeof p.port === 'string') return { protocol, name: p.port };
    if (typeof p.port === 'number') return { protocol, range: [p.port, p.endPort ?? p.port] as Range };
    return { protocol };
  });
}

/** Numeric entries grouped by protocol; a protocol with an any-port entry keeps no ranges. */
function groupPorts(entries: readonly { protocol: Protocol; range?: Range }[]): PortMatch[] {
  const byProtocol = new Map<Protocol, Range[] | 'any'>();
  for (const e of entries) {
    const seen = byProtocol.get(e.protocol);
    if (!e.range || seen === 'any') byProtocol.set(e.protocol, 'any');
    else byProtocol.set(e.protocol, [...(seen ?? []), e.range]);
  }
  return [...byProtocol].map(([protocol, ranges]) => (ranges === 'any' ? { protocol } : { protocol, ports: mergeRanges(ranges) }));
}

/** The container port numbers a pod exposes under `name` for `protocol`. */
function namedPorts(pod: Pod, name: string, protocol: Protocol): number[] {
  return (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? [])
    .filter((p) => p.name === name && PROTOCOLS[p.protocol ?? 'TCP'] === protocol)
    .map((p) => p.containerPort);
}

/** A rule of one policy, compiled once and shared by the chains of every local pod the policy selects. */
interface CompiledRule {
  peers?: string;
  /** Undefined: the rule names no ports, so every port is allowed. */
  ports?: PortEntry[];
  /** Egress only: the set holding named ports resolved on destination pods. */
  destinations?: string;
}

class Compiler {
  readonly ruleset = emptyRuleset();
  private readonly pods: Pod[];
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly compiled = new Map<string, CompiledRule[]>();

  constructor(private readonly inputs: PolicyInputs) {
    this.pods = inputs.pods.filter(hasPodAddress);
    for (const ns of inputs.namespaces) this.namespaceLabels.set(ns.metadata.name ?? '', ns.metadata.labels ?? {});
  }

  run(): Ruleset {
    const policies = [...this.inputs.policies].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
    const local = this.pods.filter((p) => p.spec?.nodeName === this.inputs.nodeName);
    for (const policy of policies) {
      const sel = selector(policy.spec?.podSelector);
      if (!sel) continue;
      const selected = local.filter((p) => p.metadata.namespace === policy.metadata.namespace && sel.matches(p.metadata.labels));
      const types = effectivePolicyTypes(policy.spec);
      for (const direction of ['ingress', 'egress'] as const) {
        if (types.includes(direction === 'ingress' ? 'Ingress' : 'Egress')) for (const pod of selected) this.addPolicy(pod, policy, direction);
      }
    }
    return this.ruleset;
  }

  /** Ensures the pod's chain exists (from now on it drops what no allow matches) and appends the policy's allows. */
  private addPolicy(pod: Pod, policy: NetworkPolicy, direction: Direction): void {
    const name = nftName(CHAIN_PREFIX[direction], pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    let chain = this.ruleset.chains.get(name);
    if (!chain) this.ruleset.chains.set(name, (chain = { direction, podIP: podIP(pod)!, pod: objectKey(pod), allows: [] }));
    for (const rule of this.rules(policy, direction)) chain.allows.push(...this.allows(rule, pod, direction));
  }

  private allows(rule: CompiledRule, pod: Pod, direction: Direction): Allow[] {
    if (!rule.ports) return [{ kind: 'peers', peers: rule.peers }];
    const out: Allow[] = [];
    const numeric = rule.ports.flatMap((e) => {
      if (!('name' in e)) return [e];
      // Ingress named ports name the selected pod's own ports; egress ones were resolved into `destinations`.
      return direction === 'ingress' ? namedPorts(pod, e.name, e.protocol).map((n) => ({ protocol: e.protocol, range: [n, n] as Range })) : [];
    });
    if (numeric.length) out.push({ kind: 'peers', peers: rule.peers, ports: groupPorts(numeric) });
    if (rule.destinations) out.push({ kind: 'destinations', set: rule.destinations });
    return out;
  }

  private rules(policy: NetworkPolicy, direction: Direction): CompiledRule[] {
    const ns = policy.metadata.namespace ?? '';
    const key = `${direction}/${ns}/${policy.metadata.name ?? ''}`;
    let rules = this.compiled.get(key);
    if (rules) return rules;
    const specRules = direction === 'ingress'
      ? (policy.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }))
      : (policy.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
    rules = specRules.map(({ peers, ports }, i) => {
      const out: CompiledRule = {};
      let ranges: Range[] | undefined;
      if (peers?.length) {
        ranges = mergeRanges(peers.flatMap((peer) => this.peerRanges(peer, ns)));
        out.peers = nftName(direction === 'ingress' ? 'from' : 'to', ns, policy.metadata.name ?? '', String(i));
        this.ruleset.sets.set(out.peers, { kind: 'addresses', ranges });
      }
      if (ports?.length) {
        out.ports = portEntries(ports);
        const named = out.ports.filter((e): e is { protocol: Protocol; name: string } => 'name' in e);
        if (direction === 'egress' && named.length) {
          out.destinations = nftName('to-ports', ns, policy.metadata.name ?? '', String(i));
          this.ruleset.sets.set(out.destinations, { kind: 'destinations', elements: this.destinations(named, ranges) });
        }
      }
      return out;
    });
    this.compiled.set(key, rules);
    return rules;
  }

  /** Every pod (on any node) whose named port the rule allows, restricted to the rule's peers when it has some. */
  private destinations(named: readonly { protocol: Protocol; name: string }[], peers: Range[] | undefined): Destination[] {
    const out = new Map<string, Destination>();
    for (const pod of this.pods) {
      const ip = podIP(pod)!;
      if (peers && !rangeContains(peers, ip)) continue;
      for (const e of named) for (const port of namedPorts(pod, e.name, e.protocol)) out.set(`${ip}/${e.protocol}/${port}`, { ip, protocol: e.protocol, port });
    }
    return [...out.values()];
  }

  private peerRanges(peer: NetworkPolicyPeer, policyNamespace: string): Range[] {
    if (peer.ipBlock) {
      const block = cidrRange(peer.ipBlock.cidr);
      if (!block) return [];
      return subtractRanges(block, (peer.ipBlock.except ?? []).map(cidrRange).filter((r): r is Range => r !== undefined));
    }
    const podSel = selector(peer.podSelector);
    const nsSel = peer.namespaceSelector ? selector(peer.namespaceSelector) : undefined;
    if (!podSel || (peer.namespaceSelector && !nsSel)) return [];
    const inNamespace = (ns: string): boolean => {
      if (!nsSel) return ns === policyNamespace;
      const labels = this.namespaceLabels.get(ns);
      return labels !== undefined && nsSel.matches(labels);
    };
    return this.pods
      .filter((p) => inNamespace(p.metadata.namespace ?? '') && podSel.matches(p.metadata.labels))
      // podIP() only yields IPv4 text, so it parses.
      .map((p) => { const n = parseIpv4(podIP(p)!)!; return [n, n] as Range; });
  }
}

export function compilePolicies(inputs: PolicyInputs): Ruleset {
  return new Compiler(inputs).run();
}
