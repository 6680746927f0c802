/** Pod tolerations and node taints: the two halves of taint-based scheduling. */
import { invalid, required, type FieldError } from '../errors.js';
import { isQualifiedName, isValidLabelValue, validateKnownFields } from '../validation/common.js';
import { TOLERATION_FIELDS } from './pod-fields.js';
import { child, index, optArray, optEnum, optInt, optObject, optString, problems } from './util.js';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export const TOLERATION_OPERATORS = ['Exists', 'Equal'] as const;

export function validateTolerations(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (optArray(value, path, errs) ?? []).forEach((t, i) => {
    const tp = index(path, i);
    const tol = optObject(t, tp, errs);
    if (!tol) return;
    errs.push(...validateKnownFields(tol, TOLERATION_FIELDS, tp));
    const key = optString(tol.key, child(tp, 'key'), errs) ?? '';
    if (key) errs.push(...problems(child(tp, 'key'), key, isQualifiedName(key)));
    const operator = optEnum(tol.operator, child(tp, 'operator'), TOLERATION_OPERATORS, errs, true) ?? 'Equal';
    const val = optString(tol.value, child(tp, 'value'), errs) ?? '';
    // An empty key matches every taint, which only makes sense without a value to compare.
    if (!key && operator !== 'Exists') {
      errs.push(invalid(child(tp, 'operator'), tol.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (operator === 'Exists' && val) errs.push(invalid(child(tp, 'operator'), tol.operator, "value must be empty when `operator` is 'Exists'"));
    if (operator === 'Equal' && val) errs.push(...problems(child(tp, 'value'), val, isValidLabelValue(val)));
    const effect = optEnum(tol.effect, child(tp, 'effect'), TAINT_EFFECTS, errs, true);
    if (tol.tolerationSeconds !== undefined && tol.tolerationSeconds !== null) {
      optInt(tol.tolerationSeconds, child(tp, 'tolerationSeconds'), errs);
      // Only NoExecute evicts, so only it has a time to wait before eviction.
      if (effect !== 'NoExecute') errs.push(invalid(child(tp, 'effect'), tol.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  });
  return errs;
}

/** Node taints: qualified keys, required effect, at most one taint per key and effect. */
export function validateTaints(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (optArray(value, path, errs) ?? []).forEach((t, i) => {
    const tp = index(path, i);
    const taint = optObject(t, tp, errs);
    if (!taint) return;
    errs.push(...validateKnownFields(taint, ['key', 'value', 'effect', 'timeAdded'], tp));
    const key = optString(taint.key, child(tp, 'key'), errs) ?? '';
    errs.push(...problems(child(tp, 'key'), key, isQualifiedName(key)));
    const val = optString(taint.value, child(tp, 'value'), errs);
    if (val) errs.push(...problems(child(tp, 'value'), val, isValidLabelValue(val)));
    if (taint.effect === undefined || taint.effect === '') errs.push(required(child(tp, 'effect')));
    else optEnum(taint.effect, child(tp, 'effect'), TAINT_EFFECTS, errs);
    optString(taint.timeAdded, child(tp, 'timeAdded'), errs);
    const pair = `${key}:${String(taint.effect)}`;
    if (seen.has(pair)) errs.push(invalid(tp, taint, 'taints must be unique by key and effect pair'));
    seen.add(pair);
  });
  return errs;
}
