import { describe, expect, it } from '@jest/globals';
import { planDependent, type DependentAction, type OwnerState } from './plan.js';

const checks = (...states: OwnerState[]) => states.map((state, i) => ({ ref: { apiVersion: 'v1', kind: 'ConfigMap', name: `o${i}`, uid: `u${i}` }, state }));

describe('planDependent', () => {
  const cases: [string, OwnerState[], string[], boolean, DependentAction][] = [
    ['no owners: kept', [], [], false, { type: 'keep' }],
    ['a solid owner keeps it', ['solid'], [], false, { type: 'keep' }],
    ['solid plus gone: only the gone reference is dropped', ['solid', 'dangling', 'waiting'], [], false, { type: 'removeOwnerReferences', uids: ['u1', 'u2'] }],
    ['every owner gone: background delete', ['dangling', 'dangling'], [], false, { type: 'delete', policy: 'Background' }],
    ['owner waiting, no dependents of its own: background delete', ['waiting'], [], false, { type: 'delete', policy: 'Background' }],
    ['owner waiting and it has dependents: foreground, so the wait cascades', ['waiting', 'dangling'], [], true, { type: 'delete', policy: 'Foreground' }],
    ['its own orphan finalizer is honoured', ['dangling'], ['orphan'], true, { type: 'delete', policy: 'Orphan' }],
    ['its own foreground finalizer is honoured', ['dangling'], ['foregroundDeletion'], false, { type: 'delete', policy: 'Foreground' }],
    ['an unresolvable owner keeps it', ['dangling', 'unresolvable'], [], false, { type: 'keep' }],
  ];
  it.each(cases)('%s', (_name, states, finalizers, hasDependents, want) => {
    expect(planDependent(checks(...states), { finalizers, hasDependents })).toEqual(want);
  });
});
