/**
 * PodTopologySpread: spreads pods matching a selector evenly across topology domains (zones, nodes, ...),
 * after kube-scheduler's podtopologyspread plugin. DoNotSchedule constraints filter (pod-topology-spread-filtering.ts),
 * ScheduleAnyway constraints score (pod-topology-spread-scoring.ts). Pods without constraints of their own get
 * the plugin's default constraints (see defaultSelector for which pods, and why).
 */
import { isQualifiedName } from '../../api/validation/common.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import {
  PluginArgsError,
  type ClusterEvent, type FilterPlugin, type FrameworkHandle, type NodeScore, type PluginFactory, type PreFilterPlugin,
  type PreScorePlugin, type ScorePlugin,
} from '../framework/types.js';
import { checkArgs, isObject, optionalStringList } from './args.js';
import { NodeMemo } from './node-memo.js';
import {
  podConstraints, SYSTEM_DEFAULT_CONSTRAINTS, type SpreadConstraint, type TopologySpreadConstraintSpec, type WhenUnsatisfiable,
} from './pod-topology-spread-constraints.js';
import { computeSpreadState, filterNode, PRE_FILTER_STATE_KEY, type SpreadState } from './pod-topology-spread-filtering.js';
import { computeSpreadScoreState, normalizeSpreadScores, PRE_SCORE_STATE_KEY, spreadScore, type SpreadScoreState } from './pod-topology-spread-scoring.js';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';

export type DefaultingType = 'System' | 'List';

export interface PodTopologySpreadArgs {
  defaultingType: DefaultingType;
  /** Used with defaultingType List; must be empty with System (the system defaults apply). */
  defaultConstraints: TopologySpreadConstraintSpec[];
}

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = POD_TOPOLOGY_SPREAD;
  /** Matching pods coming, going or relabelled change counts; node labels and taints change the domains. */
  readonly requeueOn: readonly ClusterEvent[] = ['AssignedPodAdd', 'AssignedPodLabelChange', 'AssignedPodDelete', 'NodeAdd', 'NodeLabelChange', 'NodeTaintChange'];
  private readonly defaults: readonly TopologySpreadConstraintSpec[];
  private readonly systemDefaulted: boolean;
  private readonly memo = new NodeMemo<number>();
  private readonly skip = Status.skip();

  constructor(args: PodTopologySpreadArgs, private readonly handle: Pick<FrameworkHandle, 'snapshot'>) {
    this.systemDefaulted = args.defaultingType === 'System';
    this.defaults = this.systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : args.defaultConstraints;
  }

  /** A malformed selector in the pod (validation should prevent it) is an error, not a rejection. */
  private constraints(pod: PodInfo, action: WhenUnsatisfiable): SpreadConstraint[] | Status {
    try {
      return podConstraints(pod, action, this.defaults);
    } catch (e) {
      return Status.error(`pod ${pod.key}: topology spread constraints: ${(e as Error).message}`);
    }
  }

  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): MaybeStatus {
    const constraints = this.constraints(pod, 'DoNotSchedule');
    if (constraints instanceof Status) return constraints;
    if (constraints.length === 0) return this.skip;
    state.write(PRE_FILTER_STATE_KEY, computeSpreadState(pod, constraints, snapshot, this.memo));
    return undefined;
  }

  addPod(state: CycleState, _pod: PodInfo, other: PodInfo, node: NodeInfo): void {
    state.read<SpreadState>(PRE_FILTER_STATE_KEY)?.updateWithPod(other, node, 1);
  }

  removePod(state: CycleState, _pod: PodInfo, other: PodInfo, node: NodeInfo): void {
    state.read<SpreadState>(PRE_FILTER_STATE_KEY)?.updateWithPod(other, node, -1);
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfo): MaybeStatus {
    return filterNode(state, node);
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): MaybeStatus {
    const snapshot = this.handle.snapshot();
    if (nodes.length === 0 || snapshot.nodes.length === 0) return this.skip;
    const constraints = this.constraints(pod, 'ScheduleAnyway');
    if (constraints instanceof Status) return constraints;
    if (constraints.length === 0) return this.skip;
    const requireAllTopologies = (pod.pod.spec.topologySpreadConstraints ?? []).length > 0 || !this.systemDefaulted;
    state.write(PRE_SCORE_STATE_KEY, computeSpreadScoreState(pod, constraints, nodes, snapshot, this.memo, requireAllTopologies));
    return undefined;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const s = state.read<SpreadScoreState>(PRE_SCORE_STATE_KEY);
    return s === undefined ? 0 : spreadScore(s, node);
  }

  normalizeScore(state: CycleState, _pod: PodInfo, scores: NodeScore[]): void {
    const s = state.read<SpreadScoreState>(PRE_SCORE_STATE_KEY);
    if (s !== undefined) normalizeSpreadScores(s, scores);
  }
}

const CONSTRAINT_FIELDS = ['maxSkew', 'topologyKey', 'whenUnsatisfiable', 'labelSelector', 'minDomains', 'nodeAffinityPolicy', 'nodeTaintsPolicy', 'matchLabelKeys'];

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new PluginArgsError(POD_TOPOLOGY_SPREAD, field, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function positiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new PluginArgsError(POD_TOPOLOGY_SPREAD, field, `must be an integer of at least 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

function defaultConstraint(raw: unknown, path: string): TopologySpreadConstraintSpec {
  if (!isObject(raw)) throw new PluginArgsError(POD_TOPOLOGY_SPREAD, path, 'must be an object with maxSkew, topologyKey and whenUnsatisfiable');
  for (const f of Object.keys(raw)) {
    if (!CONSTRAINT_FIELDS.includes(f)) throw new PluginArgsError(POD_TOPOLOGY_SPREAD, `${path}.${f}`, `unknown field (known fields: ${CONSTRAINT_FIELDS.join(', ')})`);
  }
  if (raw.labelSelector !== undefined && raw.labelSelector !== null) {
    throw new PluginArgsError(POD_TOPOLOGY_SPREAD, `${path}.labelSelector`, "must not be set: default constraints select the pod's own group (remove it)");
  }
  const topologyKey = raw.topologyKey;
  const keyErrors = typeof topologyKey === 'string' && topologyKey !== '' ? isQualifiedName(topologyKey) : ['must be a non-empty label key'];
  if (keyErrors.length) throw new PluginArgsError(POD_TOPOLOGY_SPREAD, `${path}.topologyKey`, `${keyErrors.join('; ')}, got ${JSON.stringify(topologyKey)}`);
  const policies = ['Honor', 'Ignore'] as const;
  return {
    maxSkew: positiveInteger(`${path}.maxSkew`, raw.maxSkew),
    topologyKey: topologyKey as string,
    whenUnsatisfiable: oneOf(`${path}.whenUnsatisfiable`, raw.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway']),
    minDomains: raw.minDomains === undefined ? undefined : positiveInteger(`${path}.minDomains`, raw.minDomains),
    nodeAffinityPolicy: oneOf(`${path}.nodeAffinityPolicy`, raw.nodeAffinityPolicy, policies, 'Honor'),
    nodeTaintsPolicy: oneOf(`${path}.nodeTaintsPolicy`, raw.nodeTaintsPolicy, policies, 'Ignore'),
    matchLabelKeys: optionalStringList(POD_TOPOLOGY_SPREAD, `${path}.matchLabelKeys`, raw.matchLabelKeys),
  };
}

export function podTopologySpreadArgs(raw: Record<string, unknown> | undefined): PodTopologySpreadArgs {
  const args = checkArgs(POD_TOPOLOGY_SPREAD, raw, ['defaultingType', 'defaultConstraints']);
  const defaultingType = oneOf<DefaultingType>('defaultingType', args.defaultingType, ['System', 'List'], 'System');
  const list = args.defaultConstraints ?? [];
  if (!Array.isArray(list)) throw new PluginArgsError(POD_TOPOLOGY_SPREAD, 'defaultConstraints', 'must be a list of constraints');
  if (defaultingType === 'System' && list.length > 0) {
    throw new PluginArgsError(POD_TOPOLOGY_SPREAD, 'defaultConstraints', 'must be empty when defaultingType is "System"; set defaultingType: List to use these');
  }
  const defaultConstraints = list.map((c, i) => defaultConstraint(c, `defaultConstraints[${i}]`));
  const seen = new Set<string>();
  defaultConstraints.forEach((c, i) => {
    const pair = `${c.topologyKey}/${c.whenUnsatisfiable}`;
    if (seen.has(pair)) {
      throw new PluginArgsError(POD_TOPOLOGY_SPREAD, `defaultConstraints[${i}]`, `duplicate {topologyKey: ${c.topologyKey}, whenUnsatisfiable: ${c.whenUnsatisfiable}}; keep one`);
    }
    seen.add(pair);
  });
  return { defaultingType, defaultConstraints };
}

export const podTopologySpreadFactory: PluginFactory = (args, handle) => new PodTopologySpread(podTopologySpreadArgs(args), handle);
