import type { Pod } from '../../../api/types/core.js';
import type { ReplicaSet } from '../../../api/types/apps.js';
import { newControllerRef } from './controller-ref.js';

export const REPLICASET_TYPE = { apiVersion: 'apps/v1', kind: 'ReplicaSet' } as const;

/** A new pod for `rs`: its template, a generated name `<rs>-xxxxx` and a controllerRef to `rs` (kube's GetPodFromTemplate). */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const meta = rs.spec.template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...meta.labels },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef({ ...REPLICASET_TYPE, metadata: rs.metadata })],
    },
    spec: structuredClone(rs.spec.template.spec),
  };
}
