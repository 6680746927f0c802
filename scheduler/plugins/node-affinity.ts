/**
 * NodeAffinity: the pod's nodeSelector and required node-affinity terms must match the node (Filter);
 * nodes matching more preferred terms, by weight, score higher. The profile may add an affinity every pod
 * gets (`addedAffinity`), e.g. to keep a scheduler profile on its own node pool.
 */
import { newRequirement, SelectorError, type Operator } from '../../api/selectors.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import {
  compileNodeSelector, compileNodeSelectorTerm, nodeAffinityOf, requiredNodeMatcher,
  type NodeAffinity as NodeAffinitySpec, type NodeMatcher, type NodeSelector,
} from '../framework/node-selector.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import {
  PluginArgsError, type ClusterEvent, type FilterPlugin, type NodeScore, type PluginFactory,
  type PreFilterPlugin, type PreFilterResult, type PreScorePlugin, type ScorePlugin,
} from '../framework/types.js';
import { checkArgs, integerIn, isObject, optionalStringList, type Args } from './args.js';
import { defaultNormalizeScore } from './normalize.js';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

const PRE_FILTER_KEY = `PreFilter${NODE_AFFINITY}`;
const PRE_SCORE_KEY = `PreScore${NODE_AFFINITY}`;
const NAME_FIELD = 'metadata.name';

interface WeightedMatcher {
  weight: number;
  matches: NodeMatcher;
}

function compilePreferred(terms: NodeAffinitySpec['preferredDuringSchedulingIgnoredDuringExecution']): WeightedMatcher[] {
  // A zero weight cannot change any score.
  return (terms ?? []).filter((t) => t.weight !== 0).map((t) => ({ weight: t.weight, matches: compileNodeSelectorTerm(t.preference) }));
}

/**
 * The only nodes the required terms can match, when every term pins `metadata.name In [...]`
 * (fields within a term intersect, terms union); undefined when some term matches by labels alone.
 */
export function pinnedNodeNames(required: NodeSelector): Set<string> | undefined {
  const names = new Set<string>();
  for (const term of required.nodeSelectorTerms ?? []) {
    let termNames: Set<string> | undefined;
    for (const f of term.matchFields ?? []) {
      if (f.key !== NAME_FIELD || f.operator !== 'In') continue;
      const values = new Set(f.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
    }
    if (!termNames) return undefined;
    for (const n of termNames) names.add(n);
  }
  return names;
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = NODE_AFFINITY;
  readonly requeueOn: readonly ClusterEvent[] = ['NodeAdd', 'NodeLabelChange'];
  private readonly addedRequired?: NodeMatcher;
  private readonly addedPreferred: WeightedMatcher[];
  private readonly podRejection = Status.unresolvable(ERR_REASON_POD);
  private readonly enforcedRejection = Status.unresolvable(ERR_REASON_ENFORCED);
  private readonly conflict = Status.unresolvable(ERR_REASON_CONFLICT);
  private readonly skip = Status.skip();

  constructor(addedAffinity?: NodeAffinitySpec) {
    const required = addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.addedRequired = required ? compileNodeSelector(required) : undefined;
    this.addedPreferred = compilePreferred(addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
  }

  preFilter(state: CycleState, pod: PodInfo): MaybeStatus | PreFilterResult {
    const required = nodeAffinityOf(pod.pod)?.requiredDuringSchedulingIgnoredDuringExecution;
    const hasSelector = Object.keys(pod.pod.spec.nodeSelector ?? {}).length > 0;
    if (!required && !hasSelector && !this.addedRequired) return this.skip;
    state.write(PRE_FILTER_KEY, requiredNodeMatcher(pod.pod));
    const names = required ? pinnedNodeNames(required) : undefined;
    if (!names) return undefined;
    return names.size === 0 ? this.conflict : { nodeNames: names };
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    if (this.addedRequired && !this.addedRequired(node.node)) return this.enforcedRejection;
    const matches = state.read<NodeMatcher>(PRE_FILTER_KEY) ?? requiredNodeMatcher(pod.pod);
    return matches(node.node) ? undefined : this.podRejection;
  }

  preScore(state: CycleState, pod: PodInfo): MaybeStatus {
    const terms = this.preferredTerms(pod);
    if (terms.length === 0) return this.skip;
    state.write(PRE_SCORE_KEY, terms);
    return undefined;
  }

  private preferredTerms(pod: PodInfo): WeightedMatcher[] {
    return [...this.addedPreferred, ...compilePreferred(nodeAffinityOf(pod.pod)?.preferredDuringSchedulingIgnoredDuringExecution)];
  }

  /** The sum of the weights of the preferred terms the node matches. */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const terms = state.read<WeightedMatcher[]>(PRE_SCORE_KEY) ?? this.preferredTerms(pod);
    let total = 0;
    for (let i = 0; i < terms.length; i++) if (terms[i]!.matches(node.node)) total += terms[i]!.weight;
    return total;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: NodeScore[]): void {
    defaultNormalizeScore(scores, false);
  }
}

const LABEL_OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];

function checkTerm(field: string, raw: unknown): void {
  if (!isObject(raw)) throw new PluginArgsError(NODE_AFFINITY, field, 'must be a term {matchExpressions, matchFields}');
  const term = checkArgs(NODE_AFFINITY, raw, ['matchExpressions', 'matchFields'], field);
  const list = (name: string): Args[] => {
    const v = term[name] ?? [];
    if (!Array.isArray(v) || !v.every(isObject)) throw new PluginArgsError(NODE_AFFINITY, `${field}.${name}`, 'must be a list of {key, operator, values}');
    return v;
  };
  const expressions = list('matchExpressions');
  const fields = list('matchFields');
  if (expressions.length + fields.length === 0) {
    throw new PluginArgsError(NODE_AFFINITY, field, 'an empty term matches no node: give matchExpressions or matchFields');
  }
  expressions.forEach((e, i) => {
    const at = `${field}.matchExpressions[${i}]`;
    if (!LABEL_OPERATORS.includes(e.operator as string)) {
      throw new PluginArgsError(NODE_AFFINITY, `${at}.operator`, `must be one of ${LABEL_OPERATORS.join(', ')}`);
    }
    const values = optionalStringList(NODE_AFFINITY, `${at}.values`, e.values);
    try {
      newRequirement(String(e.key), e.operator as Operator, values);
    } catch (err) {
      if (!(err instanceof SelectorError)) throw err;
      throw new PluginArgsError(NODE_AFFINITY, at, err.message);
    }
  });
  fields.forEach((f, i) => {
    const at = `${field}.matchFields[${i}]`;
    if (f.key !== NAME_FIELD) throw new PluginArgsError(NODE_AFFINITY, `${at}.key`, `only ${NAME_FIELD} is supported`);
    if (f.operator !== 'In' && f.operator !== 'NotIn') throw new PluginArgsError(NODE_AFFINITY, `${at}.operator`, 'must be In or NotIn');
    if (optionalStringList(NODE_AFFINITY, `${at}.values`, f.values).length === 0) {
      throw new PluginArgsError(NODE_AFFINITY, `${at}.values`, 'must list at least one node name');
    }
  });
}

/** `addedAffinity`, shaped like a pod's spec.affinity.nodeAffinity; every term is checked so a typo fails at startup. */
export function parseAddedAffinity(raw: unknown): NodeAffinitySpec | undefined {
  if (raw === undefined) return undefined;
  const field = 'addedAffinity';
  const requiredField = `${field}.requiredDuringSchedulingIgnoredDuringExecution`;
  const preferredField = `${field}.preferredDuringSchedulingIgnoredDuringExecution`;
  const affinity = checkArgs(NODE_AFFINITY, raw, ['requiredDuringSchedulingIgnoredDuringExecution', 'preferredDuringSchedulingIgnoredDuringExecution'], field);
  if (affinity.requiredDuringSchedulingIgnoredDuringExecution !== undefined) {
    const required = checkArgs(NODE_AFFINITY, affinity.requiredDuringSchedulingIgnoredDuringExecution, ['nodeSelectorTerms'], requiredField);
    const terms = required.nodeSelectorTerms;
    if (!Array.isArray(terms) || terms.length === 0) {
      throw new PluginArgsError(NODE_AFFINITY, `${requiredField}.nodeSelectorTerms`, 'must list at least one term (terms are ORed)');
    }
    terms.forEach((t, i) => checkTerm(`${requiredField}.nodeSelectorTerms[${i}]`, t));
  }
  const preferred = affinity.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  if (!Array.isArray(preferred)) throw new PluginArgsError(NODE_AFFINITY, preferredField, 'must be a list of {weight, preference}');
  preferred.forEach((p: unknown, i) => {
    const at = `${preferredField}[${i}]`;
    const term = checkArgs(NODE_AFFINITY, p, ['weight', 'preference'], at);
    integerIn(NODE_AFFINITY, `${at}.weight`, term.weight, 1, 100);
    checkTerm(`${at}.preference`, term.preference);
  });
  return affinity as NodeAffinitySpec;
}

export const nodeAffinityFactory: PluginFactory = (raw) => {
  const args = checkArgs(NODE_AFFINITY, raw, ['addedAffinity']);
  return new NodeAffinity(parseAddedAffinity(args.addedAffinity));
};
