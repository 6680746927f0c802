import { describe, expect, it } from '@jest/globals';
import { finalizersForDeletion, validatePropagation, type PropagationOptions } from './deletion-propagation.js';

describe('finalizersForDeletion', () => {
  const cases: [string, string, string[] | undefined, PropagationOptions, string[] | undefined][] = [
    ['default is Background: no GC finalizer', 'ReplicaSet', undefined, {}, undefined],
    ['Foreground adds foregroundDeletion', 'ReplicaSet', undefined, { propagationPolicy: 'Foreground' }, ['foregroundDeletion']],
    ['Orphan adds orphan, keeping other finalizers', 'ConfigMap', ['example.com/x'], { propagationPolicy: 'Orphan' }, ['example.com/x', 'orphan']],
    ['legacy orphanDependents=true is Orphan', 'Pod', undefined, { orphanDependents: true }, ['orphan']],
    ['legacy orphanDependents=false is Background', 'Pod', ['orphan'], { orphanDependents: false }, []],
    ['a GC finalizer already set is the default', 'Deployment', ['foregroundDeletion'], {}, ['foregroundDeletion']],
    ['a new policy replaces the opposite finalizer', 'Deployment', ['foregroundDeletion', 'a/b'], { propagationPolicy: 'Orphan' }, ['a/b', 'orphan']],
    ['Background removes a GC finalizer', 'Deployment', ['orphan'], { propagationPolicy: 'Background' }, []],
    ['Events do not support propagation', 'Event', undefined, { propagationPolicy: 'Foreground' }, undefined],
  ];
  it.each(cases)('%s', (_name, kind, finalizers, opts, want) => {
    expect(finalizersForDeletion(kind, finalizers, opts)).toEqual(want);
  });

  it('returns the same array when nothing changes, so the delete is not a write', () => {
    const finalizers = ['example.com/x', 'orphan'];
    expect(finalizersForDeletion('Secret', finalizers, { propagationPolicy: 'Orphan' })).toBe(finalizers);
  });
});

describe('validatePropagation', () => {
  it('accepts each policy and the legacy flag alone', () => {
    for (const propagationPolicy of ['Orphan', 'Background', 'Foreground'] as const) expect(() => validatePropagation({ propagationPolicy })).not.toThrow();
    expect(() => validatePropagation({ orphanDependents: true })).not.toThrow();
  });

  it('rejects an unknown policy and both forms at once with 422 field errors', () => {
    expect(() => validatePropagation({ propagationPolicy: 'Later' as 'Orphan' })).toThrow(expect.objectContaining({
      code: 422, message: 'DeleteOptions "" is invalid: propagationPolicy: Unsupported value: "Later": supported values: "Orphan", "Background", "Foreground"',
    }));
    expect(() => validatePropagation({ propagationPolicy: 'Orphan', orphanDependents: true })).toThrow(expect.objectContaining({
      code: 422, message: expect.stringContaining('orphanDependents: Invalid value: true: OrphanDependents and DeletionPropagation cannot be both set'),
    }));
  });
});
