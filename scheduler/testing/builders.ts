/** Small builders for scheduler unit tests and the in-memory benchmark: nodes, pods, and NodeInfos holding them. */
import type { Node, Pod, PodSpec, ResourceList, Taint } from '../../api/types/core.js';
import { NodeInfo } from '../framework/node-info.js';
import { PodInfo } from '../framework/pod-info.js';
import { snapshotOf, type Snapshot } from '../framework/snapshot.js';

export interface NodeShape {
  cpu?: string;
  memory?: string;
  pods?: number;
  /** Extra allocatable entries, e.g. `{'example.com/gpu': '2'}`. */
  extra?: ResourceList;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
}

export function makeNode(name: string, shape: NodeShape = {}): Node {
  const allocatable: ResourceList = { cpu: shape.cpu ?? '4', memory: shape.memory ?? '16Gi', pods: String(shape.pods ?? 110), ...shape.extra };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...shape.labels } },
    spec: { taints: shape.taints, unschedulable: shape.unschedulable },
    status: { capacity: allocatable, allocatable },
  };
}

export interface PodShape extends Partial<Omit<PodSpec, 'containers'>> {
  namespace?: string;
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  /** Extra requests, e.g. `{'example.com/gpu': '1'}`. */
  extra?: ResourceList;
  createdAt?: string;
}

export function makePod(name: string, shape: PodShape = {}): Pod {
  const { namespace, labels, cpu, memory, extra, createdAt, ...spec } = shape;
  const requests: ResourceList = { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}), ...extra };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: namespace ?? 'default', labels, uid: `uid-${name}`, creationTimestamp: createdAt ?? '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: Object.keys(requests).length ? { requests } : {} }], ...spec },
  };
}

/** NodeInfos for `nodes`, each holding the `pods` whose spec.nodeName names it. */
export function nodeInfos(nodes: Node[], pods: Pod[] = []): NodeInfo[] {
  const infos = nodes.map((n) => new NodeInfo(n));
  const byName = new Map(infos.map((i) => [i.name, i]));
  for (const p of pods) {
    const info = p.spec.nodeName ? byName.get(p.spec.nodeName) : undefined;
    if (!info) throw new Error(`test pod ${p.metadata.name} names unknown node ${String(p.spec.nodeName)}`);
    info.addPod(new PodInfo(p));
  }
  return infos;
}

export function snapshotFor(nodes: Node[], pods: Pod[] = [], namespaceLabels: Record<string, Record<string, string>> = { default: {} }): Snapshot {
  return snapshotOf(nodeInfos(nodes, pods), namespaceLabels);
}
