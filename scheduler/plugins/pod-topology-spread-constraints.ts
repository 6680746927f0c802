/**
 * Topology spread constraints as PodTopologySpread uses them, after kube-scheduler's podtopologyspread/common.go:
 * a pod's own `spec.topologySpreadConstraints`, or else the plugin's default constraints with a selector
 * derived from the pod's controller.
 */
import { labelSelectorFromObject, newRequirement, selectorFromRequirements, type Requirement, type Selector } from '../../api/selectors.js';
import type { LabelSelector, Pod, Taint, Toleration } from '../../api/types/core.js';
import type { NodeInfo } from '../framework/node-info.js';
import { requiredNodeMatcher, type NodeMatcher } from '../framework/node-selector.js';
import type { PodInfo } from '../framework/pod-info.js';
import { findUntoleratedTaint } from '../framework/taints.js';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

export type WhenUnsatisfiable = 'DoNotSchedule' | 'ScheduleAnyway';
export type NodeInclusionPolicy = 'Honor' | 'Ignore';

/** `v1.TopologySpreadConstraint` as pods and the plugin's args carry it. */
export interface TopologySpreadConstraintSpec {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: WhenUnsatisfiable;
  labelSelector?: LabelSelector | null;
  minDomains?: number | null;
  nodeAffinityPolicy?: NodeInclusionPolicy | null;
  nodeTaintsPolicy?: NodeInclusionPolicy | null;
  matchLabelKeys?: string[] | null;
}

/** kube-scheduler's defaults for pods of a ReplicaSet/StatefulSet/ReplicationController without constraints of their own. */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraintSpec[] = [
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_TOPOLOGY_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  /** Which pods (in the incoming pod's namespace) count. */
  selector: Selector;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorNodeTaints: boolean;
  /** Identifies "pods on a node that count" (namespace and selector): a NodeMemo key. */
  countKey: string;
}

const MATCH_NOTHING: Selector = { requirements: [], matches: () => false, isEverything: () => false, toString: () => '<none>' };

/**
 * The constraint's selector, ANDed with `key=<the pod's value>` for each matchLabelKeys key the pod carries
 * (as kube-scheduler's mergeLabelSetWithSelector: with no labelSelector, only those).
 */
function constraintSelector(spec: TopologySpreadConstraintSpec, podLabels: Record<string, string>): Selector {
  const extra: Requirement[] = [];
  for (const key of spec.matchLabelKeys ?? []) {
    const value = podLabels[key];
    if (value !== undefined) extra.push(newRequirement(key, '=', [value]));
  }
  if (!spec.labelSelector) return extra.length ? selectorFromRequirements(extra) : MATCH_NOTHING;
  const base = labelSelectorFromObject(spec.labelSelector);
  return extra.length ? selectorFromRequirements([...base.requirements, ...extra]) : base;
}

/** Throws SelectorError for a malformed selector (validation should have kept it out). */
function compile(spec: TopologySpreadConstraintSpec, pod: PodInfo, selector: Selector): SpreadConstraint {
  return {
    maxSkew: spec.maxSkew,
    topologyKey: spec.topologyKey,
    selector,
    minDomains: spec.minDomains ?? 1,
    honorNodeAffinity: (spec.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorNodeTaints: (spec.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    countKey: `${pod.namespace}|${selector.toString()}`,
  };
}

const CONTROLLER_KINDS = new Set(['ReplicaSet', 'StatefulSet', 'ReplicationController']);
/** Labels that differ between pods of one controller; a selector including them would select one pod. */
const PER_POD_LABELS = new Set(['statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'controller-revision-hash']);

/**
 * The selector default constraints use. kube-scheduler ORs in the selectors of Services, ReplicaSets,
 * StatefulSets and ReplicationControllers matching the pod; the scheduler does not watch those, so Cairn
 * approximates: a pod controlled by a ReplicaSet, StatefulSet or ReplicationController is spread with the
 * pods sharing its labels (minus per-pod ones). Controllers select their pods by template labels, so this
 * is the controller's own set in practice. Other pods get no default constraints.
 */
export function defaultSelector(pod: Pod): Selector | undefined {
  const controlled = (pod.metadata.ownerReferences ?? []).some((r) => r.controller === true && CONTROLLER_KINDS.has(r.kind));
  if (!controlled) return undefined;
  const reqs = Object.entries(pod.metadata.labels ?? {})
    .filter(([k]) => !PER_POD_LABELS.has(k))
    .map(([k, v]) => newRequirement(k, '=', [v]));
  return reqs.length ? selectorFromRequirements(reqs) : undefined;
}

/** The pod's constraints with this `action`: its own when it has any, else `defaults` (if it has a default selector). */
export function podConstraints(pod: PodInfo, action: WhenUnsatisfiable, defaults: readonly TopologySpreadConstraintSpec[]): SpreadConstraint[] {
  // Pods arrive validated by the registry, so the list has the TopologySpreadConstraint shape.
  const own = (pod.pod.spec.topologySpreadConstraints ?? []) as unknown as TopologySpreadConstraintSpec[];
  if (own.length > 0) return own.filter((c) => c.whenUnsatisfiable === action).map((c) => compile(c, pod, constraintSelector(c, pod.labels)));
  const wanted = defaults.filter((c) => c.whenUnsatisfiable === action);
  if (wanted.length === 0) return [];
  const selector = defaultSelector(pod.pod);
  return selector ? wanted.map((c) => compile(c, pod, selector)) : [];
}

/** Every constraint's topology key is a label of the node. */
export function hasAllTopologyKeys(labels: Record<string, string>, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (labels[c.topologyKey] === undefined) return false;
  return true;
}

/** Pods on the node that count for `selector`: in `namespace`, not terminating. */
export function countMatchingPods(node: NodeInfo, selector: Selector, namespace: string): number {
  let n = 0;
  for (const p of node.pods.values()) {
    if (p.namespace === namespace && !p.pod.metadata.deletionTimestamp && selector.matches(p.labels)) n++;
  }
  return n;
}

const blocksScheduling = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

/**
 * Whether nodes count as domains for a constraint (nodeAffinityPolicy / nodeTaintsPolicy). Each node's
 * affinity and taint verdicts are computed at most once, however many constraints ask.
 */
export class NodeInclusion {
  private readonly matchesAffinity: NodeMatcher;
  private readonly tolerations: readonly Toleration[] | undefined;
  // The verdicts for the last node asked about.
  private node: NodeInfo | undefined;
  private generation = 0;
  private affinityOk: boolean | undefined;
  private taintsOk: boolean | undefined;

  constructor(pod: PodInfo) {
    this.matchesAffinity = requiredNodeMatcher(pod.pod);
    this.tolerations = pod.pod.spec.tolerations;
  }

  includes(c: SpreadConstraint, node: NodeInfo): boolean {
    if (node !== this.node || node.generation !== this.generation) {
      this.node = node;
      this.generation = node.generation;
      this.affinityOk = undefined;
      this.taintsOk = undefined;
    }
    if (c.honorNodeAffinity && !(this.affinityOk ??= this.matchesAffinity(node.node))) return false;
    if (c.honorNodeTaints && !(this.taintsOk ??= findUntoleratedTaint(node.taints, this.tolerations, blocksScheduling) === undefined)) return false;
    return true;
  }
}
