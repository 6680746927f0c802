/** Score normalization shared by plugins whose raw scores are counts or weight sums (kube-scheduler's DefaultNormalizeScore). */
import { MAX_NODE_SCORE, type NodeScore } from '../framework/types.js';

/**
 * Scales scores in place so the highest becomes MAX_NODE_SCORE (integer division, as kube-scheduler);
 * with `reverse`, the lowest raw score ends highest. All-zero scores stay 0, or all become MAX when reversed.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = MAX_NODE_SCORE;
    return;
  }
  for (const s of scores) {
    const scaled = Math.trunc((MAX_NODE_SCORE * s.score) / max);
    s.score = reverse ? MAX_NODE_SCORE - scaled : scaled;
  }
}
