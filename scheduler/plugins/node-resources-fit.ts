/**
 * NodeResourcesFit: the pod's requests must fit in what the node has left (pod count, cpu, memory,
 * ephemeral-storage, extended resources); Score ranks nodes by the configured strategy
 * (LeastAllocated spreads, MostAllocated bin-packs, RequestedToCapacityRatio follows a shape).
 */
import type { CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { isScalarResourceName } from '../framework/resources.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import {
  PluginArgsError, type ClusterEvent, type FilterPlugin, type PluginFactory, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin,
} from '../framework/types.js';
import { isQualifiedName } from '../../api/validation/common.js';
import { checkArgs, optionalStringList, type Args } from './args.js';
import { parseResourceSpecs, ResourceAllocation, type ResourceSpec } from './resource-allocation.js';
import {
  leastAllocated, mostAllocated, parseShape, requestedToCapacityRatio, SCORING_STRATEGY_TYPES, type ResourceScorer, type ScoringStrategyType,
} from './resource-scoring.js';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';
export const ERR_REASON_TOO_MANY_PODS = 'Too many pods';
export const ERR_REASON_INSUFFICIENT_CPU = 'Insufficient cpu';
export const ERR_REASON_INSUFFICIENT_MEMORY = 'Insufficient memory';
export const ERR_REASON_INSUFFICIENT_EPHEMERAL_STORAGE = 'Insufficient ephemeral-storage';

/** `Insufficient example.com/gpu`: the reason for an extended (scalar) resource. */
export function insufficientReason(resource: string): string {
  return `Insufficient ${resource}`;
}

const PRE_FILTER_KEY = `PreFilter${NODE_RESOURCES_FIT}`;
const PRE_SCORE_KEY = `PreScore${NODE_RESOURCES_FIT}`;

// Bits of a rejection's built-in reasons, in kube-scheduler's reason order.
const TOO_MANY_PODS = 1;
const NO_CPU = 2;
const NO_MEMORY = 4;
const NO_EPHEMERAL = 8;
const BUILTIN_REASONS: readonly [number, string][] = [
  [TOO_MANY_PODS, ERR_REASON_TOO_MANY_PODS], [NO_CPU, ERR_REASON_INSUFFICIENT_CPU],
  [NO_MEMORY, ERR_REASON_INSUFFICIENT_MEMORY], [NO_EPHEMERAL, ERR_REASON_INSUFFICIENT_EPHEMERAL_STORAGE],
];

/** What Filter checks, computed once per pod: requests, and the scalar ones not ignored by the args. */
interface FitState {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  scalarNames: string[];
  scalarValues: number[];
  requestsNothing: boolean;
}

export interface NodeResourcesFitArgs {
  /** Extended resources Filter does not check (e.g. ones a device plugin over-commits). */
  ignoredResources: ReadonlySet<string>;
  /** Extended resource prefixes (`example.com` for `example.com/gpu`) Filter does not check. */
  ignoredResourceGroups: ReadonlySet<string>;
  strategy: ScoringStrategyType;
  resources: ResourceSpec[];
  scorer: ResourceScorer;
}

function isExtendedResourceName(name: string): boolean {
  return !name.startsWith('hugepages-') && isScalarResourceName(name);
}

export class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = NODE_RESOURCES_FIT;
  readonly requeueOn: readonly ClusterEvent[] = ['NodeAdd', 'NodeAllocatableChange', 'AssignedPodDelete'];
  private readonly allocation: ResourceAllocation;
  /** Rejections for built-in reasons only, by bit mask: shared by every node rejected the same way. */
  private readonly builtinRejections = new Map<number, Status>();

  constructor(readonly args: NodeResourcesFitArgs) {
    this.allocation = new ResourceAllocation(args.resources, true);
  }

  preFilter(state: CycleState, pod: PodInfo): MaybeStatus {
    state.write(PRE_FILTER_KEY, this.fitState(pod));
    return undefined;
  }

  private fitState(pod: PodInfo): FitState {
    const r = pod.requests;
    const scalar = Object.entries(r.scalar).filter(([name, v]) => v > 0 && !this.ignored(name));
    return {
      milliCPU: r.milliCPU,
      memory: r.memory,
      ephemeralStorage: r.ephemeralStorage,
      scalarNames: scalar.map(([name]) => name),
      scalarValues: scalar.map(([, v]) => v),
      requestsNothing: r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && scalar.length === 0,
    };
  }

  private ignored(name: string): boolean {
    if (!isExtendedResourceName(name)) return false;
    return this.args.ignoredResources.has(name) || this.args.ignoredResourceGroups.has(name.slice(0, name.indexOf('/')));
  }

  /** Every shortfall at once, so "why is my pod pending?" lists them all; preempting pods could free them (Unschedulable). */
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    const s = state.read<FitState>(PRE_FILTER_KEY) ?? this.fitState(pod);
    const alloc = node.allocatable;
    const used = node.requested;
    let mask = node.pods.size + 1 > alloc.allowedPodNumber ? TOO_MANY_PODS : 0;
    if (s.requestsNothing) return mask === 0 ? undefined : this.builtinRejection(mask);
    if (s.milliCPU > 0 && s.milliCPU > alloc.milliCPU - used.milliCPU) mask |= NO_CPU;
    if (s.memory > 0 && s.memory > alloc.memory - used.memory) mask |= NO_MEMORY;
    if (s.ephemeralStorage > 0 && s.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) mask |= NO_EPHEMERAL;
    let scalarShort = false;
    for (let i = 0; i < s.scalarNames.length && !scalarShort; i++) scalarShort = this.scalarShort(s, i, node);
    if (scalarShort) return this.rejection(mask, s, node);
    return mask === 0 ? undefined : this.builtinRejection(mask);
  }

  private scalarShort(s: FitState, i: number, node: NodeInfo): boolean {
    const name = s.scalarNames[i]!;
    return s.scalarValues[i]! > (node.allocatable.scalar[name] ?? 0) - (node.requested.scalar[name] ?? 0);
  }

  private builtinRejection(mask: number): Status {
    let status = this.builtinRejections.get(mask);
    if (!status) this.builtinRejections.set(mask, (status = this.rejection(mask)));
    return status;
  }

  private rejection(mask: number, s?: FitState, node?: NodeInfo): Status {
    const reasons = BUILTIN_REASONS.filter(([bit]) => mask & bit).map(([, reason]) => reason);
    if (s && node) for (let i = 0; i < s.scalarNames.length; i++) if (this.scalarShort(s, i, node)) reasons.push(insufficientReason(s.scalarNames[i]!));
    return Status.unschedulable(...reasons);
  }

  preScore(state: CycleState, pod: PodInfo): MaybeStatus {
    state.write(PRE_SCORE_KEY, this.allocation.podRequests(pod));
    return undefined;
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const a = this.allocation;
    a.fill(node, state.read<Float64Array>(PRE_SCORE_KEY) ?? a.podRequests(pod));
    return this.args.scorer(a.requested, a.allocatable, a.weights);
  }
}

function stringSet(plugin: string, field: string, value: unknown, check: (v: string) => string | undefined): Set<string> {
  const list = optionalStringList(plugin, field, value);
  list.forEach((v, i) => {
    const problem = check(v);
    if (problem) throw new PluginArgsError(plugin, `${field}[${i}]`, problem);
  });
  return new Set(list);
}

function resourceNameProblem(name: string): string | undefined {
  const errs = isQualifiedName(name);
  return errs.length ? `${JSON.stringify(name)} is not a resource name (e.g. example.com/gpu): ${errs.join('; ')}` : undefined;
}

function groupProblem(group: string): string | undefined {
  if (group.includes('/')) return `${JSON.stringify(group)}: give the prefix only, e.g. example.com for example.com/gpu`;
  return resourceNameProblem(group);
}

export function parseNodeResourcesFitArgs(raw: Args | undefined): NodeResourcesFitArgs {
  const p = NODE_RESOURCES_FIT;
  const args = checkArgs(p, raw, ['ignoredResources', 'ignoredResourceGroups', 'scoringStrategy']);
  const strategyArgs = checkArgs(p, args.scoringStrategy, ['type', 'resources', 'requestedToCapacityRatio'], 'scoringStrategy');
  const type = (strategyArgs.type ?? 'LeastAllocated') as ScoringStrategyType;
  if (!SCORING_STRATEGY_TYPES.includes(type)) {
    throw new PluginArgsError(p, 'scoringStrategy.type', `${JSON.stringify(strategyArgs.type)} is not supported: use one of ${SCORING_STRATEGY_TYPES.join(', ')}`);
  }
  const resources = parseResourceSpecs(p, 'scoringStrategy.resources', strategyArgs.resources, 100);
  const ratio = strategyArgs.requestedToCapacityRatio;
  const ratioField = 'scoringStrategy.requestedToCapacityRatio';
  let scorer = type === 'MostAllocated' ? mostAllocated : leastAllocated;
  if (type === 'RequestedToCapacityRatio') {
    if (ratio === undefined) throw new PluginArgsError(p, ratioField, 'is required with type RequestedToCapacityRatio: give {shape: [{utilization, score}, ...]}');
    scorer = requestedToCapacityRatio(parseShape(p, `${ratioField}.shape`, checkArgs(p, ratio, ['shape'], ratioField).shape));
  } else if (ratio !== undefined) {
    throw new PluginArgsError(p, ratioField, `only applies to type RequestedToCapacityRatio, not ${type}: remove it or change the type`);
  }
  return {
    ignoredResources: stringSet(p, 'ignoredResources', args.ignoredResources, resourceNameProblem),
    ignoredResourceGroups: stringSet(p, 'ignoredResourceGroups', args.ignoredResourceGroups, groupProblem),
    strategy: type,
    resources,
    scorer,
  };
}

export const nodeResourcesFitFactory: PluginFactory = (args) => new NodeResourcesFit(parseNodeResourcesFitArgs(args));
