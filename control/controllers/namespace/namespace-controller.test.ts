import { describe, expect, it } from '@jest/globals';
import { resourceTypes } from '../../../api/catalog.js';
import type { ApiObject } from '../../../api/meta.js';
import { planCleanup } from './namespace-controller.js';

const cm = resourceTypes.find((t) => t.plural === 'configmaps')!;
const pods = resourceTypes.find((t) => t.plural === 'pods')!;
const obj = (name: string, deleting = false): ApiObject => ({ metadata: { name, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) } });

describe('planCleanup', () => {
  it('deletes what is left, skipping objects already being deleted, and waits for them', () => {
    const plan = planCleanup([{ type: cm, objects: [obj('a'), obj('b', true)] }, { type: pods, objects: [obj('p')] }]);
    expect(plan.remaining.map((r) => `${r.type.plural}/${r.name}`)).toEqual(['configmaps/a', 'pods/p']);
    expect(plan.finalize).toBe(false);
  });

  it('finalizes an empty namespace', () => {
    expect(planCleanup([{ type: cm, objects: [] }, { type: pods, objects: [] }])).toEqual({ remaining: [], finalize: true });
  });

  it('does not finalize while objects held by finalizers remain', () => {
    expect(planCleanup([{ type: cm, objects: [obj('held', true)] }]).finalize).toBe(false);
  });
});
