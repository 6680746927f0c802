/** The in-memory record of nominations (status.nominatedNodeName), as kube-scheduler's nominator. */
import type { PodInfo } from './pod-info.js';
import type { Nominator } from './types.js';

export class PodNominator implements Nominator {
  private readonly byNode = new Map<string, Map<string, PodInfo>>();
  private readonly nodeOf = new Map<string, string>();

  nominate(pod: PodInfo, nodeName: string): void {
    this.forget(pod.key);
    let pods = this.byNode.get(nodeName);
    if (!pods) this.byNode.set(nodeName, (pods = new Map()));
    pods.set(pod.key, pod);
    this.nodeOf.set(pod.key, nodeName);
  }

  forget(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const pods = this.byNode.get(node)!;
    pods.delete(key);
    if (pods.size === 0) this.byNode.delete(node);
  }

  nominatedTo(nodeName: string, atLeast: number, except: string): readonly PodInfo[] {
    const pods = this.byNode.get(nodeName);
    if (!pods) return [];
    const out: PodInfo[] = [];
    for (const p of pods.values()) if (p.key !== except && p.priority >= atLeast) out.push(p);
    return out;
  }

  /** Nominated pods on the node with lower priority than `priority`: a preemptor displaces them. */
  lowerPriorityOn(nodeName: string, priority: number): PodInfo[] {
    return [...(this.byNode.get(nodeName)?.values() ?? [])].filter((p) => p.priority < priority);
  }
}
