import { describe, expect, it } from '@jest/globals';
import { CHANGE_CAUSE_ANNOTATION, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION } from './constants.js';
import {
  buildNewReplicaSet, equalIgnoreHash, findNewReplicaSet, maxRevision, podTemplateHash, replicaSetsToCleanUp, setNewReplicaSetAnnotations,
} from './replica-sets.js';
import { deployment, replicaSet } from './testing/fixtures.js';

describe('pod-template-hash', () => {
  it('is a stable, safe-alphabet string that ignores field order and changes with the template or collision count', () => {
    const t = deployment(1).spec.template;
    const reordered = { spec: t.spec, metadata: { labels: { app: 'web' } } };
    const hash = podTemplateHash(t);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(podTemplateHash(reordered)).toBe(hash);
    expect(podTemplateHash({ ...t, spec: { containers: [{ name: 'c', image: 'busybox:2' }] } })).not.toBe(hash);
    expect(podTemplateHash(t, 1)).not.toBe(hash);
    expect(podTemplateHash(t, 1)).toBe(podTemplateHash(t, 1));
  });
});

describe('the new ReplicaSet', () => {
  it('is named <deployment>-<hash>, with the hash in its labels, selector and template, owned by the Deployment', () => {
    const d = deployment(3);
    const rs = buildNewReplicaSet(d);
    const hash = podTemplateHash(d.spec.template);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.labels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs.spec.template.metadata?.labels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true, blockOwnerDeletion: true }]);
    expect(d.spec.template.metadata?.labels).toEqual({ app: 'web' }); // the Deployment's template is untouched
    expect(equalIgnoreHash(rs.spec.template, d.spec.template)).toBe(true);
  });

  it('is found by template ignoring the hash label, the oldest match winning', () => {
    const d = deployment(3);
    const matching = (name: string, created: string) => ({ ...buildNewReplicaSet(d), metadata: { ...buildNewReplicaSet(d).metadata, name, uid: name, creationTimestamp: created } });
    const other = replicaSet('other', 3);
    expect(findNewReplicaSet(d, [other])).toBeUndefined();
    expect(findNewReplicaSet(d, [other, matching('b', '2026-01-02T00:00:00Z'), matching('a', '2026-01-01T00:00:00Z')])?.metadata.name).toBe('a');
  });

  it('takes max revision + 1 and the Deployment annotations (change-cause), not the controller-owned ones', () => {
    const d = deployment(3);
    d.metadata.annotations = { [CHANGE_CAUSE_ANNOTATION]: 'image bump', [REVISION_ANNOTATION]: '7', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
    const rs = buildNewReplicaSet(d);
    expect(maxRevision([replicaSet('a', 0, { revision: 2 }), replicaSet('b', 0, { revision: 5 }), replicaSet('c', 0)])).toBe(5);
    expect(setNewReplicaSetAnnotations(d, rs, 6, false)).toBe(true);
    expect(rs.metadata.annotations).toEqual({
      [CHANGE_CAUSE_ANNOTATION]: 'image bump', [REVISION_ANNOTATION]: '6',
      'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '3',
    });
    expect(setNewReplicaSetAnnotations(d, rs, 6, true)).toBe(false);
  });

  it('moves an old ReplicaSet brought back by a rollback to the new revision, remembering the old one', () => {
    const d = deployment(3);
    const rs = replicaSet('v1', 0, { revision: 1 });
    expect(setNewReplicaSetAnnotations(d, rs, 3, true)).toBe(true);
    expect(rs.metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
    expect(rs.metadata.annotations?.[REVISION_HISTORY_ANNOTATION]).toBe('1');
    setNewReplicaSetAnnotations(d, rs, 5, true);
    expect(rs.metadata.annotations?.[REVISION_HISTORY_ANNOTATION]).toBe('1,3');
  });
});

describe('revisionHistoryLimit cleanup', () => {
  it('deletes the lowest revisions beyond the limit, only when scaled down and observed so', () => {
    const d = deployment(3);
    d.spec.revisionHistoryLimit = 1;
    const olds = [
      replicaSet('r3', 0, { revision: 3 }),
      replicaSet('r1', 0, { revision: 1 }),
      replicaSet('r2', 0, { revision: 2, status: 1 }), // pods still terminating
      replicaSet('r4', 0, { revision: 4 }),
    ];
    expect(replicaSetsToCleanUp(d, olds).map((rs) => rs.metadata.name)).toEqual(['r1', 'r3']);
    d.spec.revisionHistoryLimit = 4;
    expect(replicaSetsToCleanUp(d, olds)).toEqual([]);
  });
});
