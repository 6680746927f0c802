/**
 * Node selectors as pods carry them: `spec.nodeSelector` and nodeAffinity's
 * requiredDuringSchedulingIgnoredDuringExecution (terms ORed, expressions within a term ANDed;
 * matchExpressions on labels with In/NotIn/Exists/DoesNotExist/Gt/Lt, matchFields on metadata.name).
 */
import { newRequirement, selectorFromRequirements, type Operator, type Selector } from '../../api/selectors.js';
import type { Node, Pod } from '../../api/types/core.js';

export interface NodeSelectorRequirement { key: string; operator: string; values?: string[] }
export interface NodeSelectorTerm { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }
export interface NodeSelector { nodeSelectorTerms?: NodeSelectorTerm[] }
export interface PreferredSchedulingTerm { weight: number; preference: NodeSelectorTerm }
export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
}

export type NodeMatcher = (node: Node) => boolean;

/** One term: every label expression and every field expression must hold. A term with neither matches nothing. */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): NodeMatcher {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return () => false;
  let labels: Selector | undefined;
  try {
    labels = selectorFromRequirements(exprs.map((e) => newRequirement(e.key, e.operator as Operator, e.values ?? [])));
  } catch {
    // Validation keeps malformed expressions out; one that slips through matches nothing rather than everything.
    return () => false;
  }
  const fieldChecks = fields.map((f) => {
    const names = new Set(f.values ?? []);
    return f.operator === 'In' ? (n: Node) => names.has(n.metadata.name ?? '') : (n: Node) => !names.has(n.metadata.name ?? '');
  });
  return (node) => labels!.matches(node.metadata.labels) && fieldChecks.every((check) => check(node));
}

/** The terms ORed; an empty or absent term list matches nothing (as the API documents). */
export function compileNodeSelector(sel: NodeSelector): NodeMatcher {
  const terms = (sel.nodeSelectorTerms ?? []).map(compileNodeSelectorTerm);
  return (node) => terms.some((t) => t(node));
}

export function nodeAffinityOf(pod: Pod): NodeAffinity | undefined {
  return (pod.spec.affinity as { nodeAffinity?: NodeAffinity } | undefined)?.nodeAffinity;
}

/**
 * What a pod requires of its node: `nodeSelector` labels AND (when given) one of the required
 * node-affinity terms. Pods with neither match every node.
 */
export function requiredNodeMatcher(pod: Pod): NodeMatcher {
  const selector = Object.entries(pod.spec.nodeSelector ?? {});
  const required = nodeAffinityOf(pod)?.requiredDuringSchedulingIgnoredDuringExecution;
  const affinity = required ? compileNodeSelector(required) : undefined;
  if (selector.length === 0 && !affinity) return () => true;
  return (node) => {
    const labels = node.metadata.labels ?? {};
    return selector.every(([k, v]) => labels[k] === v) && (!affinity || affinity(node));
  };
}
