/** A node and the pods on it (bound or assumed), with running totals the Filter/Score plugins read. */
import type { Node, Taint } from '../../api/types/core.js';
import type { PodInfo } from './pod-info.js';
import { addTo, emptyResource, nodeAllocatable, type NodeAllocatable, type Resource } from './resources.js';

export class NodeInfo {
  node!: Node;
  /**
   * Updated in place, never replaced: allocated with the NodeInfo it stays next to it in memory, and Filter
   * reads it for thousands of nodes per pod (a separately allocated copy measured ~40x slower to reach).
   */
  readonly allocatable: NodeAllocatable = { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: {}, allowedPodNumber: 0 };
  readonly pods = new Map<string, PodInfo>();
  readonly requested: Resource = emptyResource();
  /** cpu/memory with kubelet defaults for pods that request nothing: what spreading scores use. */
  readonly nonZeroRequested = { milliCPU: 0, memory: 0 };
  /** Pods with any pod (anti-)affinity term: InterPodAffinity only walks these. */
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  /** Bumped on every change, so snapshots can tell what moved. */
  generation = 0;

  /** `allocatable` may be passed when already parsed from this very Node (a clone). */
  constructor(node: Node, readonly name = node.metadata.name ?? '', allocatable?: NodeAllocatable) {
    this.setNode(node, allocatable);
  }

  setNode(node: Node, allocatable = nodeAllocatable(node)): void {
    this.node = node;
    this.labels = { ...node.metadata.labels };
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    const a = this.allocatable;
    a.milliCPU = allocatable.milliCPU;
    a.memory = allocatable.memory;
    a.ephemeralStorage = allocatable.ephemeralStorage;
    a.scalar = allocatable.scalar;
    a.allowedPodNumber = allocatable.allowedPodNumber;
    this.generation++;
  }

  // Copied out of the Node when it is set, for the same locality reason as `allocatable`: plugins read these per node per pod.
  labels: Record<string, string> = {};
  taints: readonly Taint[] = [];
  unschedulable = false;

  addPod(p: PodInfo): void {
    if (this.pods.has(p.key)) this.removePod(p.key);
    this.pods.set(p.key, p);
    addTo(this.requested, p.requests);
    this.nonZeroRequested.milliCPU += p.nonZeroRequests.milliCPU;
    this.nonZeroRequested.memory += p.nonZeroRequests.memory;
    if (p.hasAffinity) this.podsWithAffinity.push(p);
    if (p.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity.push(p);
    this.generation++;
  }

  /** Returns the removed pod, if it was here. */
  removePod(key: string): PodInfo | undefined {
    const p = this.pods.get(key);
    if (!p) return undefined;
    this.pods.delete(key);
    addTo(this.requested, p.requests, -1);
    this.nonZeroRequested.milliCPU -= p.nonZeroRequests.milliCPU;
    this.nonZeroRequested.memory -= p.nonZeroRequests.memory;
    if (p.hasAffinity) this.podsWithAffinity = this.podsWithAffinity.filter((q) => q.key !== key);
    if (p.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((q) => q.key !== key);
    this.generation++;
    return p;
  }

  /** An independent copy (sharing the immutable Node and PodInfos) that preemption can remove victims from. */
  clone(): NodeInfo {
    const copy = new NodeInfo(this.node, this.name, this.allocatable);
    for (const p of this.pods.values()) copy.addPod(p);
    return copy;
  }

}
