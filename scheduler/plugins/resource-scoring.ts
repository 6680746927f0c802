/**
 * NodeResourcesFit's scoring strategies, with kube-scheduler's integer arithmetic so scores match it:
 * each resource scores 0..100, then the weighted mean (resources a node lacks are left out).
 */
import { MAX_NODE_SCORE, PluginArgsError } from '../framework/types.js';
import { integerIn, isObject } from './args.js';

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';
export const SCORING_STRATEGY_TYPES: readonly ScoringStrategyType[] = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];

/** A node's score from per-resource requested (with the pod) and allocatable; allocatable 0 = leave out. */
export type ResourceScorer = (requested: Float64Array, allocatable: Float64Array, weights: Float64Array) => number;

/** One point of RequestedToCapacityRatio's piecewise-linear function: utilization 0..100 -> score 0..10. */
export interface ShapePoint {
  utilization: number;
  score: number;
}

const MAX_UTILIZATION = 100;
/** Shape scores use kube-scheduler's 0..10 range (MaxCustomPriorityScore), scaled to 0..100. */
const MAX_SHAPE_SCORE = 10;

function weightedMean(perResource: (requested: number, capacity: number) => number): ResourceScorer {
  return (requested, allocatable, weights) => {
    let total = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      total += perResource(requested[i]!, allocatable[i]!) * weights[i]!;
      weightSum += weights[i]!;
    }
    return weightSum === 0 ? 0 : Math.trunc(total / weightSum);
  };
}

/** The free fraction: spreads pods over nodes. */
export const leastAllocated: ResourceScorer = weightedMean((requested, capacity) =>
  requested > capacity ? 0 : Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity));

/** The used fraction: packs pods onto few nodes. Requested may exceed capacity through the non-zero defaults. */
export const mostAllocated: ResourceScorer = weightedMean((requested, capacity) =>
  Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity));

/** The score at `utilization` along `shape` (sorted by utilization), flat beyond its ends. */
function brokenLinear(shape: readonly ShapePoint[], utilization: number): number {
  for (let i = 0; i < shape.length; i++) {
    const p = shape[i]!;
    if (utilization > p.utilization) continue;
    if (i === 0) return p.score;
    const prev = shape[i - 1]!;
    return prev.score + Math.trunc(((p.score - prev.score) * (utilization - prev.utilization)) / (p.utilization - prev.utilization));
  }
  return shape[shape.length - 1]!.score;
}

export function requestedToCapacityRatio(shape: readonly ShapePoint[]): ResourceScorer {
  const scaled = shape.map((p) => ({ utilization: p.utilization, score: p.score * (MAX_NODE_SCORE / MAX_SHAPE_SCORE) }));
  return (requested, allocatable, weights) => {
    let total = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      const capacity = allocatable[i]!;
      if (capacity === 0) continue;
      const r = requested[i]!;
      const utilization = r > capacity ? MAX_UTILIZATION : Math.trunc((r * MAX_UTILIZATION) / capacity);
      const score = brokenLinear(scaled, utilization);
      // As kube-scheduler: a resource scoring 0 does not dilute the others.
      if (score > 0) {
        total += score * weights[i]!;
        weightSum += weights[i]!;
      }
    }
    return weightSum === 0 ? 0 : Math.round(total / weightSum);
  };
}

/** `[{utilization, score}]`: at least one point, utilization strictly increasing in 0..100, score 0..10. */
export function parseShape(plugin: string, field: string, value: unknown): ShapePoint[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new PluginArgsError(plugin, field, 'must list at least one {utilization, score} point');
  }
  const shape = value.map((p: unknown, i) => {
    if (!isObject(p)) throw new PluginArgsError(plugin, `${field}[${i}]`, 'must be {utilization, score}');
    return {
      utilization: integerIn(plugin, `${field}[${i}].utilization`, p.utilization, 0, MAX_UTILIZATION),
      score: integerIn(plugin, `${field}[${i}].score`, p.score, 0, MAX_SHAPE_SCORE),
    };
  });
  for (let i = 1; i < shape.length; i++) {
    if (shape[i]!.utilization <= shape[i - 1]!.utilization) {
      throw new PluginArgsError(plugin, `${field}[${i}].utilization`, 'points must be sorted by strictly increasing utilization');
    }
  }
  return shape;
}
