/**
 * A pod as the scheduler sees it, parsed once when it enters the cache or queue: its effective requests,
 * priority, and pod (anti-)affinity terms with their selectors compiled.
 */
import { labelSelectorFromObject, newRequirement, selectorFromRequirements, type Selector } from '../../api/selectors.js';
import type { LabelSelector, Pod } from '../../api/types/core.js';
import { podNonZeroRequests, podRequests, type Resource } from './resources.js';

interface PodAffinityTermSpec {
  labelSelector?: LabelSelector | null;
  namespaces?: string[];
  namespaceSelector?: LabelSelector | null;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}
interface WeightedPodAffinityTermSpec { weight: number; podAffinityTerm: PodAffinityTermSpec }
interface PodAffinitySpec {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTermSpec[];
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTermSpec[];
}

/** A compiled pod (anti-)affinity term: pods matching `selector` in the term's namespaces, grouped by `topologyKey`. */
export interface AffinityTerm {
  selector: Selector;
  /** Explicit namespaces (the pod's own when the term names none and has no namespaceSelector). */
  namespaces: ReadonlySet<string>;
  /** Namespaces chosen by label; `{}` selects all. Undefined: only `namespaces`. */
  namespaceSelector?: Selector;
  topologyKey: string;
  /** 1 for required terms; the term's weight (1-100) for preferred ones. */
  weight: number;
}

const MATCH_NOTHING: Selector = { requirements: [], matches: () => false, isEverything: () => false, toString: () => '<none>' };

function compileTerm(pod: Pod, spec: PodAffinityTermSpec, weight: number): AffinityTerm {
  // A null labelSelector matches no pods (unlike a workload's selector, where absent means everything).
  let selector = spec.labelSelector ? labelSelectorFromObject(spec.labelSelector) : MATCH_NOTHING;
  const labels = pod.metadata.labels ?? {};
  const extra = [
    ...(spec.matchLabelKeys ?? []).filter((k) => k in labels).map((k) => newRequirement(k, 'In', [labels[k]!])),
    ...(spec.mismatchLabelKeys ?? []).filter((k) => k in labels).map((k) => newRequirement(k, 'NotIn', [labels[k]!])),
  ];
  if (extra.length && spec.labelSelector) selector = selectorFromRequirements([...selector.requirements, ...extra]);
  const namespaceSelector = spec.namespaceSelector ? labelSelectorFromObject(spec.namespaceSelector) : undefined;
  const named = spec.namespaces ?? [];
  const namespaces = new Set(named.length === 0 && !namespaceSelector ? [pod.metadata.namespace ?? 'default'] : named);
  return { selector, namespaces, namespaceSelector, topologyKey: spec.topologyKey, weight };
}

function requiredTerms(pod: Pod, spec: PodAffinitySpec | undefined): AffinityTerm[] {
  return (spec?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(pod, t, 1));
}

function preferredTerms(pod: Pod, spec: PodAffinitySpec | undefined): AffinityTerm[] {
  return (spec?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(pod, t.podAffinityTerm, t.weight));
}

/** `namespace/name`, the key pods go by everywhere in the scheduler. */
export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

export class PodInfo {
  readonly key: string;
  readonly namespace: string;
  readonly priority: number;
  readonly requests: Resource;
  readonly nonZeroRequests: { milliCPU: number; memory: number };
  readonly requiredAffinity: AffinityTerm[];
  readonly requiredAntiAffinity: AffinityTerm[];
  readonly preferredAffinity: AffinityTerm[];
  readonly preferredAntiAffinity: AffinityTerm[];
  /** Milliseconds since the epoch; the queue's tie-break after priority. */
  readonly createdAt: number;

  constructor(readonly pod: Pod) {
    this.key = podKey(pod);
    this.namespace = pod.metadata.namespace ?? 'default';
    this.priority = pod.spec.priority ?? 0;
    this.requests = podRequests(pod);
    this.nonZeroRequests = podNonZeroRequests(pod);
    const affinity = pod.spec.affinity as { podAffinity?: PodAffinitySpec; podAntiAffinity?: PodAffinitySpec } | undefined;
    this.requiredAffinity = requiredTerms(pod, affinity?.podAffinity);
    this.requiredAntiAffinity = requiredTerms(pod, affinity?.podAntiAffinity);
    this.preferredAffinity = preferredTerms(pod, affinity?.podAffinity);
    this.preferredAntiAffinity = preferredTerms(pod, affinity?.podAntiAffinity);
    this.createdAt = Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
  }

  get labels(): Record<string, string> {
    return this.pod.metadata.labels ?? {};
  }

  get hasAffinity(): boolean {
    return this.requiredAffinity.length + this.requiredAntiAffinity.length + this.preferredAffinity.length + this.preferredAntiAffinity.length > 0;
  }

  get hasRequiredAntiAffinity(): boolean {
    return this.requiredAntiAffinity.length > 0;
  }
}
