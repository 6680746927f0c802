/**
 * DefaultPreemption (PostFilter): when no node fits a pod, find the node where evicting the fewest,
 * lowest-priority pods makes it fit, evict them, and nominate the node for the pod. The dry run removes every
 * lower-priority pod, checks the pod fits, then adds pods back highest priority first, keeping each one that
 * still leaves room: what remains removed are the victims. As in kube-scheduler, pods whose eviction would
 * break a PodDisruptionBudget are reprieved first, and a node whose victims break fewer budgets wins.
 */
import { labelSelectorFromObject } from '../../api/selectors.js';
import type { PodDisruptionBudget } from '../../api/types/policy.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { Framework } from '../framework/framework.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { reasonHistogram } from '../framework/fit-error.js';
import { Status } from '../framework/status.js';
import type { FrameworkHandle, PluginFactory, PostFilterPlugin, PostFilterResult } from '../framework/types.js';
import { PluginArgsError } from '../framework/types.js';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';
export const REASON_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const REASON_NOT_HELPFUL = 'Preemption is not helpful for scheduling';

export interface Candidate {
  node: string;
  victims: PodInfo[];
  /** Victims whose eviction breaks a PodDisruptionBudget (no disruption left for them). */
  pdbViolations: number;
}

/**
 * Splits pods into those whose eviction would break a budget and the rest, spending each budget's
 * disruptionsAllowed on the pods in the order given (kube-scheduler's filterPodsWithPDBViolation).
 */
export function splitByBudgetViolation(pods: PodInfo[], budgets: readonly PodDisruptionBudget[]): { violating: Set<PodInfo>; rest: PodInfo[] } {
  const allowed = budgets.map((b) => b.status?.disruptionsAllowed ?? 0);
  const selectors = budgets.map((b) => (b.spec.selector ? labelSelectorFromObject(b.spec.selector) : undefined));
  const violating = new Set<PodInfo>();
  for (const p of pods) {
    const ns = p.pod.metadata.namespace;
    let breaks = false;
    budgets.forEach((b, i) => {
      // A budget without a selector selects nothing (policy/v1); one with `{}` selects its whole namespace.
      if (b.metadata.namespace !== ns || !selectors[i]?.matches(p.pod.metadata.labels)) return;
      // Already evicted and counted by the budget (the disruption controller has not seen it go yet).
      if (b.status?.disruptedPods?.[p.pod.metadata.name!] !== undefined) return;
      if (allowed[i]! <= 0) breaks = true;
      else allowed[i]!--;
    });
    if (breaks) violating.add(p);
  }
  return { violating, rest: pods.filter((p) => !violating.has(p)) };
}

interface PreemptionArgs {
  /** Dry-run at least this share of the nodes (and at least minCandidateNodesAbsolute) before choosing. */
  minCandidateNodesPercentage: number;
  minCandidateNodesAbsolute: number;
}

function parseArgs(args: Record<string, unknown> | undefined): PreemptionArgs {
  const pct = args?.minCandidateNodesPercentage ?? 10;
  const abs = args?.minCandidateNodesAbsolute ?? 100;
  if (typeof pct !== 'number' || !Number.isInteger(pct) || pct < 0 || pct > 100) {
    throw new PluginArgsError(DEFAULT_PREEMPTION, 'minCandidateNodesPercentage', `must be an integer from 0 to 100, not ${JSON.stringify(pct)}`);
  }
  if (typeof abs !== 'number' || !Number.isInteger(abs) || abs < 0) {
    throw new PluginArgsError(DEFAULT_PREEMPTION, 'minCandidateNodesAbsolute', `must be a non-negative integer, not ${JSON.stringify(abs)}`);
  }
  if (pct === 0 && abs === 0) throw new PluginArgsError(DEFAULT_PREEMPTION, 'minCandidateNodesPercentage', 'and minCandidateNodesAbsolute cannot both be 0');
  return { minCandidateNodesPercentage: pct, minCandidateNodesAbsolute: abs };
}

/**
 * The victims on one node, or undefined when even removing every lower-priority pod would not make room.
 * Works on copies: the real NodeInfo and CycleState are untouched.
 */
export function selectVictimsOnNode(fwk: Framework, state: CycleState, pod: PodInfo, node: NodeInfo, budgets: readonly PodDisruptionBudget[] = []): Omit<Candidate, 'node'> | undefined {
  const lower = [...node.pods.values()].filter((p) => p.priority < pod.priority);
  if (lower.length === 0) return undefined;
  const trial = node.clone();
  const trialState = state.clone();
  const preFilters = fwk.plugins.preFilter.filter((p) => !state.skipFilter.has(p.name));
  const remove = (p: PodInfo): void => {
    trial.removePod(p.key);
    for (const pf of preFilters) pf.removePod?.(trialState, pod, p, trial);
  };
  const add = (p: PodInfo): void => {
    trial.addPod(p);
    for (const pf of preFilters) pf.addPod?.(trialState, pod, p, trial);
  };
  for (const p of lower) remove(p);
  if (fwk.runFilter(trialState, pod, trial)) return undefined;
  // Reprieve the most important pods first: higher priority, then the longest running; budget-protected pods
  // before all others, so they are evicted only when nothing else makes room.
  lower.sort((a, b) => b.priority - a.priority || a.createdAt - b.createdAt);
  const { violating, rest } = splitByBudgetViolation(lower, budgets);
  const victims: PodInfo[] = [];
  let pdbViolations = 0;
  for (const p of [...lower.filter((v) => violating.has(v)), ...rest]) {
    add(p);
    if (fwk.runFilter(trialState, pod, trial)) {
      remove(p);
      victims.push(p);
      if (violating.has(p)) pdbViolations++;
    }
  }
  return { victims, pdbViolations };
}

/** kube-scheduler's pickOneNodeForPreemption order: fewest budget violations, lowest top victim priority, lowest sum, fewest victims, newest top victim. */
export function pickCandidate(candidates: Candidate[]): Candidate | undefined {
  const key = (c: Candidate): number[] => {
    const top = Math.max(...c.victims.map((v) => v.priority));
    const sum = c.victims.reduce((s, v) => s + v.priority, 0);
    const newestTop = Math.max(...c.victims.filter((v) => v.priority === top).map((v) => v.createdAt));
    return [c.pdbViolations, top, sum, c.victims.length, -newestTop];
  };
  const lexLess = (a: number[], b: number[]): boolean => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
    return false;
  };
  let best: { c: Candidate; k: number[] } | undefined;
  for (const c of candidates) {
    const k = key(c);
    if (!best || lexLess(k, best.k)) best = { c, k };
  }
  return best?.c;
}

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = DEFAULT_PREEMPTION;
  private offset = 0;

  constructor(private readonly args: PreemptionArgs, private readonly handle: FrameworkHandle) {}

  async postFilter(state: CycleState, pod: PodInfo, rejected: ReadonlyMap<string, Status>): Promise<PostFilterResult> {
    const snapshot = this.handle.snapshot();
    if (pod.pod.spec.preemptionPolicy === 'Never') return { status: Status.unschedulable('not eligible due to preemptionPolicy=Never.') };
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated && this.victimsStillTerminating(snapshot.get(nominated), pod)) {
      return { status: Status.unschedulable('not eligible due to a terminating pod on the nominated node.') };
    }
    const { candidates, verdicts } = this.findCandidates(state, pod, rejected);
    const best = pickCandidate(candidates);
    if (!best) {
      return { status: Status.unschedulable(`preemption: 0/${snapshot.nodes.length} nodes are available: ${reasonHistogram(verdicts)}.`) };
    }
    this.execute(pod, best);
    return { status: Status.unschedulable(`preempting ${best.victims.length} pod(s) on node ${best.node}`), nominatedNodeName: best.node, victims: best.victims.length };
  }

  private victimsStillTerminating(node: NodeInfo | undefined, pod: PodInfo): boolean {
    if (!node) return false;
    for (const p of node.pods.values()) if (p.priority < pod.priority && p.pod.metadata.deletionTimestamp) return true;
    return false;
  }

  /** Dry-runs nodes rejected as Unschedulable (not Unresolvable), from a rotating offset, until enough candidates. */
  private findCandidates(state: CycleState, pod: PodInfo, rejected: ReadonlyMap<string, Status>): { candidates: Candidate[]; verdicts: Status[] } {
    const snapshot = this.handle.snapshot();
    const fwk = this.handle.framework();
    const budgets = this.handle.disruptionBudgets?.() ?? [];
    const nodes = snapshot.nodes;
    const want = Math.min(nodes.length, Math.max(this.args.minCandidateNodesAbsolute, Math.floor((nodes.length * this.args.minCandidateNodesPercentage) / 100)));
    const candidates: Candidate[] = [];
    const verdicts: Status[] = [];
    const notHelpful = Status.unschedulable(REASON_NOT_HELPFUL);
    const noVictims = Status.unschedulable(REASON_NO_VICTIMS);
    const start = nodes.length ? this.offset % nodes.length : 0;
    let i = 0;
    for (; i < nodes.length && candidates.length < want; i++) {
      const node = nodes[(start + i) % nodes.length]!;
      if (rejected.get(node.name)?.code !== 'Unschedulable') {
        verdicts.push(notHelpful);
        continue;
      }
      const found = selectVictimsOnNode(fwk, state, pod, node, budgets);
      if (found?.victims.length) candidates.push({ node: node.name, ...found });
      else verdicts.push(noVictims);
    }
    this.offset = (start + i) % Math.max(1, nodes.length);
    return { candidates, verdicts };
  }

  /**
   * The nomination takes effect in memory at once (later cycles count the pod on its node); the API calls
   * (nominatedNodeName, victims' condition and deletion) run in the background, as kube-scheduler's async
   * preemption does, so one preemption does not hold up the scheduling of every pod behind it.
   */
  private execute(pod: PodInfo, c: Candidate): void {
    const { api, nominator } = this.handle;
    nominator.nominate(pod, c.node);
    const displaced = nominator.lowerPriorityOn(c.node, pod.priority);
    for (const other of displaced) nominator.forget(other.key);
    const calls = [
      api.nominate(pod.pod, c.node),
      ...c.victims.map((v) => api.evict(v.pod, pod.pod, c.node)),
      // Lower-priority pods nominated to this node lose the nomination: they would not fit after this pod.
      ...displaced.map((other) => api.nominate(other.pod, undefined)),
    ];
    void Promise.allSettled(calls).then((results) => {
      for (const r of results) if (r.status === 'rejected') this.handle.log?.('preemption step failed', { pod: pod.key, node: c.node, error: String(r.reason) });
    });
  }
}

export const defaultPreemptionFactory: PluginFactory = (args, handle) => new DefaultPreemption(parseArgs(args), handle);
