/**
 * The benchmark's clusters and pod streams, shared by the in-memory run (scheduler core alone) and the
 * end-to-end run (registry + etcd + hollow nodes + scheduler). Node shapes and pod mixes are sized so the
 * demand fits (about 92% of cpu and memory), so "share scheduled" and "utilization" test the placement.
 */
import type { Pod, Taint } from '../../api/types/core.js';

export type ScenarioName = 'plain' | 'spread' | 'taints' | 'preemption';
export const SCENARIOS: readonly ScenarioName[] = ['plain', 'spread', 'taints', 'preemption'];

export interface ClusterShape {
  nodes: number;
  zones: number;
  cpu: string;
  memory: string;
  pods: number;
  /** Share of nodes tainted `dedicated=gpu:NoSchedule` and labelled `pool=gpu` (scenario c). */
  taintFraction: number;
}

export const GPU_TAINT: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
export const GPU_POOL_LABEL = 'pool';
export const HIGH_PRIORITY_CLASS = 'bench-high';
export const HIGH_PRIORITY = 1000;

export function clusterFor(scenario: ScenarioName, nodes: number): ClusterShape {
  return { nodes, zones: 10, cpu: '4', memory: '16Gi', pods: 110, taintFraction: scenario === 'taints' ? 0.2 : 0 };
}

/** Sizes in rotation: the mean is 123m cpu / 491Mi, so 30 pods per 4-cpu/16Gi node use ~92% of both. */
const SIZES = [
  { cpu: '100m', memory: '384Mi' },
  { cpu: '125m', memory: '512Mi' },
  { cpu: '150m', memory: '576Mi' },
  { cpu: '115m', memory: '492Mi' },
];

/** Pods per "deployment" (a label group): spread and anti-affinity act within a group. */
export const GROUP_SIZE = 30;

function basePod(name: string, namespace: string, i: number, priority?: number): Pod {
  const size = SIZES[i % SIZES.length]!;
  const group = `g${Math.floor(i / GROUP_SIZE)}`;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, labels: { app: group } },
    spec: {
      containers: [{ name: 'app', image: 'registry.local/bench:1', resources: { requests: { cpu: size.cpu, memory: size.memory } } }],
      // Through the API, priority admission checks the number against the class (bench-high, created by the run).
      ...(priority !== undefined ? { priority, priorityClassName: HIGH_PRIORITY_CLASS } : {}),
    },
  };
}

/**
 * The i-th pod of a scenario's stream.
 * - plain: requests only.
 * - spread: every group spreads across zones (maxSkew 1, DoNotSchedule); one group in ten also has
 *   required anti-affinity on hostname (no two replicas on one node).
 * - taints: one pod in five tolerates the gpu taint and requires the gpu pool; the rest prefer zone-0..4.
 * - preemption: the fill (low priority) is made by `fillerPod`; this stream is the high-priority wave.
 */
export function scenarioPod(scenario: ScenarioName, name: string, namespace: string, i: number): Pod {
  const pod = basePod(name, namespace, i, scenario === 'preemption' ? HIGH_PRIORITY : undefined);
  const group = pod.metadata.labels!.app!;
  const selector = { matchLabels: { app: group } };
  if (scenario === 'spread') {
    pod.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector }];
    if (Math.floor(i / GROUP_SIZE) % 10 === 0) {
      pod.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: selector, topologyKey: 'kubernetes.io/hostname' }] } };
    }
  } else if (scenario === 'taints') {
    if (i % 5 === 0) {
      pod.spec.tolerations = [{ key: GPU_TAINT.key, operator: 'Equal', value: GPU_TAINT.value, effect: GPU_TAINT.effect }];
      pod.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: GPU_POOL_LABEL, operator: 'In', values: ['gpu'] }] }] } } };
    } else {
      pod.spec.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-0', 'zone-1', 'zone-2', 'zone-3', 'zone-4'] }] } }] } };
    }
  } else if (scenario === 'preemption') {
    pod.spec.containers[0]!.resources = { requests: { cpu: '1', memory: '1Gi' } };
  }
  return pod;
}

/** The preemption scenario's fill: low-priority pods of 1 cpu, four per node, so the cluster is full. */
export function fillerPod(name: string, namespace: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'filler' } },
    spec: { priority: 0, containers: [{ name: 'app', image: 'registry.local/bench:1', resources: { requests: { cpu: '1', memory: '1Gi' } } }] },
  };
}
