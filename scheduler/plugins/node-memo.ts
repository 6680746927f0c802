/**
 * Per-node values derived from a node's pods and labels (e.g. "pods here matching selector S"), remembered
 * across scheduling cycles. Plugins that would otherwise walk every pod in the cluster each cycle
 * (InterPodAffinity, PodTopologySpread) walk the nodes instead and recompute only nodes whose NodeInfo
 * changed since they were last seen: a NodeInfo bumps `generation` on every pod or node change, and a
 * different NodeInfo object for the same name (a snapshot clone) is treated as changed.
 *
 * Contract for callers: a key must fully determine the computation, i.e. two computations under one key
 * must give the same value for the same NodeInfo state (put selectors, namespaces, namespace labels in it).
 */
import type { NodeInfo } from '../framework/node-info.js';

interface Entry<T> {
  info: NodeInfo;
  generation: number;
  value: T;
}

export class NodeMemoTable<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly compute: (node: NodeInfo) => T) {}

  get(node: NodeInfo): T {
    const e = this.entries.get(node.name);
    if (e === undefined) {
      const value = this.compute(node);
      this.entries.set(node.name, { info: node, generation: node.generation, value });
      return value;
    }
    if (e.info !== node || e.generation !== node.generation) {
      e.info = node;
      e.generation = node.generation;
      e.value = this.compute(node);
    }
    return e.value;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets everything when far more nodes are remembered than exist (deleted nodes are never looked up again). */
  trim(liveNodes: number): void {
    if (this.entries.size > 2 * liveNodes + 64) this.entries.clear();
  }
}

/** Tables by key, least recently used dropped beyond `maxTables` (each holds one entry per node). */
export class NodeMemo<T> {
  private readonly tables = new Map<string, NodeMemoTable<T>>();

  constructor(private readonly maxTables = 32) {}

  /**
   * The table for `key`. `compute` is used only when the table is created, which is sound because the key
   * determines the computation (see the file comment).
   */
  table(key: string, compute: (node: NodeInfo) => T): NodeMemoTable<T> {
    let t = this.tables.get(key);
    if (t !== undefined) {
      this.tables.delete(key);
    } else {
      t = new NodeMemoTable(compute);
      if (this.tables.size >= this.maxTables) this.tables.delete(this.tables.keys().next().value!);
    }
    this.tables.set(key, t);
    return t;
  }
}
