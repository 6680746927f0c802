/**
 * The scheduler's view of nodes and the pods on them, kept current from informers and from its own
 * decisions: a pod is "assumed" on its node the moment it is chosen, before the bind reaches the API, so the
 * next cycle already counts it. A bind failure forgets it; the informer seeing the bound pod confirms it.
 * Scheduling cycles run synchronously on the event loop, so the cache itself is the cycle's snapshot.
 */
import type { Node, Pod } from '../../api/types/core.js';
import { NodeInfo } from '../framework/node-info.js';
import { PodInfo, podKey } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
}

export class SchedulerCache implements Snapshot {
  private readonly nodeInfos = new Map<string, NodeInfo>();
  private nodeList: NodeInfo[] = [];
  private readonly podStates = new Map<string, PodState>();
  /** Pods whose node is not (yet) known: added to it when it appears. */
  private readonly orphans = new Map<string, Map<string, PodInfo>>();
  private readonly withAffinity = new Set<NodeInfo>();
  private readonly withRequiredAnti = new Set<NodeInfo>();
  private affinityList: NodeInfo[] | undefined;
  private antiList: NodeInfo[] | undefined;
  private readonly nsLabels = new Map<string, Record<string, string>>();

  // ---- Snapshot ----

  get nodes(): readonly NodeInfo[] {
    return this.nodeList;
  }

  get(name: string): NodeInfo | undefined {
    return this.nodeInfos.get(name);
  }

  get nodesWithAffinityPods(): readonly NodeInfo[] {
    return (this.affinityList ??= [...this.withAffinity]);
  }

  get nodesWithRequiredAntiAffinityPods(): readonly NodeInfo[] {
    return (this.antiList ??= [...this.withRequiredAnti]);
  }

  namespaceLabels(namespace: string): Record<string, string> | undefined {
    return this.nsLabels.get(namespace);
  }

  namespaces(): Iterable<string> {
    return this.nsLabels.keys();
  }

  // ---- nodes and namespaces ----

  setNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const existing = this.nodeInfos.get(name);
    if (existing) {
      existing.setNode(node);
      return;
    }
    const info = new NodeInfo(node);
    this.nodeInfos.set(name, info);
    this.nodeList.push(info);
    for (const p of this.orphans.get(name)?.values() ?? []) this.placeOn(info, p);
    this.orphans.delete(name);
  }

  removeNode(name: string): void {
    const info = this.nodeInfos.get(name);
    if (!info) return;
    this.nodeInfos.delete(name);
    this.nodeList = this.nodeList.filter((n) => n !== info);
    this.trackAffinity(info, true);
    // Its pods stay known (they still exist in the API) and rejoin the node if it comes back.
    if (info.pods.size) this.orphans.set(name, new Map(info.pods));
  }

  setNamespace(name: string, labels: Record<string, string> | undefined): void {
    this.nsLabels.set(name, labels ?? {});
  }

  removeNamespace(name: string): void {
    this.nsLabels.delete(name);
  }

  // ---- pods ----

  /** A pod the API says is bound (from the informer). Confirms an assumed pod, or moves it if bound elsewhere. */
  setBoundPod(pod: Pod): PodInfo {
    const key = podKey(pod);
    const nodeName = pod.spec.nodeName!;
    const info = new PodInfo(pod);
    const state = this.podStates.get(key);
    if (state) this.unplace(key, state.nodeName);
    this.podStates.set(key, { info, nodeName, assumed: false });
    this.place(nodeName, info);
    return info;
  }

  removePod(key: string): PodInfo | undefined {
    const state = this.podStates.get(key);
    if (!state) return undefined;
    this.podStates.delete(key);
    this.unplace(key, state.nodeName);
    return state.info;
  }

  /** Counts the pod on `nodeName` now, before its bind completes. */
  assume(info: PodInfo, nodeName: string): void {
    const existing = this.podStates.get(info.key);
    if (existing) this.unplace(info.key, existing.nodeName);
    this.podStates.set(info.key, { info, nodeName, assumed: true });
    this.place(nodeName, info);
  }

  /** The bind failed: undo the assumption (unless the informer meanwhile saw it bound for real). */
  forget(key: string): void {
    const state = this.podStates.get(key);
    if (state?.assumed) this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.podStates.get(key)?.assumed === true;
  }

  nodeOf(key: string): string | undefined {
    return this.podStates.get(key)?.nodeName;
  }

  get podCount(): number {
    return this.podStates.size;
  }

  private place(nodeName: string, info: PodInfo): void {
    const node = this.nodeInfos.get(nodeName);
    if (node) this.placeOn(node, info);
    else {
      let waiting = this.orphans.get(nodeName);
      if (!waiting) this.orphans.set(nodeName, (waiting = new Map()));
      waiting.set(info.key, info);
    }
  }

  private placeOn(node: NodeInfo, info: PodInfo): void {
    node.addPod(info);
    if (info.hasAffinity || info.hasRequiredAntiAffinity) this.trackAffinity(node, false);
  }

  private unplace(key: string, nodeName: string): void {
    const node = this.nodeInfos.get(nodeName);
    if (node) {
      const removed = node.removePod(key);
      if (removed && (removed.hasAffinity || removed.hasRequiredAntiAffinity)) this.trackAffinity(node, false);
      return;
    }
    const waiting = this.orphans.get(nodeName);
    waiting?.delete(key);
    if (waiting?.size === 0) this.orphans.delete(nodeName);
  }

  private trackAffinity(node: NodeInfo, removed: boolean): void {
    const has = !removed && node.podsWithAffinity.length > 0;
    const hasAnti = !removed && node.podsWithRequiredAntiAffinity.length > 0;
    if (has !== this.withAffinity.has(node)) {
      if (has) this.withAffinity.add(node);
      else this.withAffinity.delete(node);
      this.affinityList = undefined;
    }
    if (hasAnti !== this.withRequiredAnti.has(node)) {
      if (hasAnti) this.withRequiredAnti.add(node);
      else this.withRequiredAnti.delete(node);
      this.antiList = undefined;
    }
  }
}
