/**
 * Existing pods' (anti-)affinity terms, grouped by what they match and counted per topology pair, kept up
 * to date across cycles. Answering "which existing pods' terms match the incoming pod, and where are they"
 * then costs one match per distinct term in the cluster (not per pod), and does not depend on the incoming
 * pod's labels being shared with earlier pods.
 *
 * `sync` re-reads only nodes whose NodeInfo changed (another object, or a new generation) and drops nodes
 * that left the list, so a cycle costs O(nodes in the list) cheap checks plus the pods of changed nodes.
 */
import type { NodeInfo } from '../framework/node-info.js';
import type { AffinityTerm, PodInfo } from '../framework/pod-info.js';
import { termMatchesIncoming } from './inter-pod-affinity-terms.js';
import type { TopologyCounts } from './inter-pod-affinity-topology-counts.js';

/** Terms with the same key match the same pods and count the same way. */
interface Group {
  key: string;
  /** Any one of the group's terms: they are interchangeable for matching. */
  term: AffinityTerm;
  weight: number;
  /** Topology value → pods holding the term there. */
  counts: Map<string, number>;
  total: number;
}

interface Contribution {
  group: Group;
  value: string;
  pods: number;
}

interface NodeEntry {
  info: NodeInfo;
  generation: number;
  contributions: Contribution[];
  pass: number;
}

/** Calls `emit` for each term of `pod` this index tracks, with the weight it counts with. */
export type TermsOf = (pod: PodInfo, emit: (term: AffinityTerm, weight: number) => void) => void;

const termKeys = new WeakMap<AffinityTerm, string>();

/** Everything that decides which pods a term matches, plus how it counts (topology key, weight). */
function groupKey(term: AffinityTerm, weight: number): string {
  let base = termKeys.get(term);
  if (base === undefined) {
    const nsSel = term.namespaceSelector === undefined ? '-' : `s:${term.namespaceSelector.toString()}`;
    base = `${[...term.namespaces].sort().join(',')}|${nsSel}|${term.selector.toString()}|${term.topologyKey}`;
    termKeys.set(term, base);
  }
  return `${base}|${weight}`;
}

export class ExistingTermsIndex {
  private readonly groups = new Map<string, Group>();
  private readonly nodes = new Map<string, NodeEntry>();
  private pass = 0;

  /** `podsOf` lists a node's pods that may carry tracked terms (e.g. podsWithRequiredAntiAffinity). */
  constructor(private readonly termsOf: TermsOf, private readonly podsOf: (node: NodeInfo) => readonly PodInfo[]) {}

  /** Brings the index up to date with `nodes`, which must be every node whose pods may carry tracked terms. */
  sync(nodes: readonly NodeInfo[]): void {
    const pass = ++this.pass;
    for (const node of nodes) {
      const e = this.nodes.get(node.name);
      if (e === undefined) {
        const contributions = this.contributionsOf(node);
        this.nodes.set(node.name, { info: node, generation: node.generation, contributions, pass });
        this.apply(contributions, 1);
        continue;
      }
      e.pass = pass;
      if (e.info === node && e.generation === node.generation) continue;
      this.apply(e.contributions, -1);
      e.info = node;
      e.generation = node.generation;
      e.contributions = this.contributionsOf(node);
      this.apply(e.contributions, 1);
    }
    if (this.nodes.size === nodes.length) return;
    for (const [name, e] of this.nodes) {
      if (e.pass === pass) continue;
      this.apply(e.contributions, -1);
      this.nodes.delete(name);
    }
  }

  /** Adds weight × pods, per topology pair, of every tracked term matching the incoming pod. */
  collect(pod: PodInfo, nsLabels: Record<string, string> | undefined, into: TopologyCounts): void {
    for (const g of this.groups.values()) {
      if (!termMatchesIncoming(g.term, pod, nsLabels)) continue;
      for (const [value, pods] of g.counts) into.add(g.term.topologyKey, value, pods * g.weight);
    }
  }

  /** Distinct term groups currently tracked. */
  get size(): number {
    return this.groups.size;
  }

  private contributionsOf(node: NodeInfo): Contribution[] {
    const labels = node.labels;
    const out: Contribution[] = [];
    for (const pod of this.podsOf(node)) {
      this.termsOf(pod, (term, weight) => {
        const value = labels[term.topologyKey];
        if (value === undefined) return;
        const key = groupKey(term, weight);
        let group = this.groups.get(key);
        if (group === undefined) {
          group = { key, term, weight, counts: new Map(), total: 0 };
          this.groups.set(key, group);
        }
        const c = out.find((x) => x.group === group);
        if (c) c.pods++;
        else out.push({ group, value, pods: 1 });
      });
    }
    return out;
  }

  private apply(contributions: readonly Contribution[], sign: 1 | -1): void {
    for (const { group, value, pods } of contributions) {
      const n = (group.counts.get(value) ?? 0) + sign * pods;
      if (n === 0) group.counts.delete(value);
      else group.counts.set(value, n);
      group.total += sign * pods;
      if (group.total === 0) this.groups.delete(group.key);
    }
  }
}
