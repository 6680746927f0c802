/** The cluster as one scheduling cycle sees it. */
import type { NodeInfo } from './node-info.js';

export interface Snapshot {
  /** Every node, in a stable order. */
  readonly nodes: readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** Nodes holding at least one pod with a pod (anti-)affinity term: what InterPodAffinity has to walk. */
  readonly nodesWithAffinityPods: readonly NodeInfo[];
  readonly nodesWithRequiredAntiAffinityPods: readonly NodeInfo[];
  /** A namespace's labels, for affinity terms with a namespaceSelector; undefined if it is not known. */
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  /** Every namespace name known to the scheduler. */
  namespaces(): Iterable<string>;
}

/** A snapshot over a fixed list of nodes: what unit tests and the in-memory benchmark build. */
export function snapshotOf(nodes: readonly NodeInfo[], namespaceLabels: Record<string, Record<string, string>> = {}): Snapshot {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return {
    nodes,
    get: (name) => byName.get(name),
    get nodesWithAffinityPods() {
      return nodes.filter((n) => n.podsWithAffinity.length > 0);
    },
    get nodesWithRequiredAntiAffinityPods() {
      return nodes.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
    },
    namespaceLabels: (ns) => namespaceLabels[ns],
    namespaces: () => Object.keys(namespaceLabels),
  };
}
