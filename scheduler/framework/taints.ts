/** Taint/toleration matching, as k8s.io/api/core/v1 Toleration.ToleratesTaint. */
import type { Taint, Toleration } from '../../api/types/core.js';

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  // An empty key with operator Exists tolerates every taint (of the effect, if one is named).
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export function isTolerated(taint: Taint, tolerations: readonly Toleration[] | undefined): boolean {
  return (tolerations ?? []).some((t) => tolerates(t, taint));
}

/** The first taint passing `applies` that no toleration covers. */
export function findUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined,
  applies: (t: Taint) => boolean): Taint | undefined {
  return (taints ?? []).find((taint) => applies(taint) && !isTolerated(taint, tolerations));
}

/** `{key: value}` or `{key}`, as kube-scheduler prints an untolerated taint. */
export function formatTaint(taint: Taint): string {
  return taint.value ? `{${taint.key}: ${taint.value}}` : `{${taint.key}}`;
}
