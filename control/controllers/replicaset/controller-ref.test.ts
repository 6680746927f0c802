import { describe, expect, it } from '@jest/globals';
import { labelSelectorFromObject } from '../../../api/selectors.js';
import type { Pod } from '../../../api/types/core.js';
import { newControllerRef, planClaims, type Owner } from './controller-ref.js';

const owner: Owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', uid: 'uid-web' } };
const other: Owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api', uid: 'uid-api' } };
const selector = labelSelectorFromObject({ matchLabels: { app: 'web' } });

function pod(name: string, app: string, controller?: Owner, deleting = false): Pod {
  return {
    metadata: { name, labels: { app }, ...(controller ? { ownerReferences: [newControllerRef(controller)] } : {}), ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { containers: [] },
  };
}

const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata.name!);

describe('planClaims', () => {
  const pods = [
    pod('mine', 'web', owner), pod('relabelled', 'db', owner), pod('orphan', 'web'), pod('orphan-deleting', 'web', undefined, true),
    pod('orphan-other-app', 'db'), pod('theirs', 'web', other),
  ];

  it('keeps matching controlled pods, adopts matching live orphans, releases controlled pods that stopped matching', () => {
    const plan = planClaims(owner, selector, pods);
    expect(names(plan.owned)).toEqual(['mine']);
    expect(names(plan.adopt)).toEqual(['orphan']);
    expect(names(plan.release)).toEqual(['relabelled']);
  });

  it('a deleting owner neither adopts nor releases', () => {
    const plan = planClaims({ ...owner, metadata: { ...owner.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } }, selector, pods);
    expect(names(plan.owned)).toEqual(['mine']);
    expect(plan.adopt).toEqual([]);
    expect(plan.release).toEqual([]);
  });

  it('controller references say controller and blockOwnerDeletion', () => {
    expect(newControllerRef(owner)).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true });
  });
});
