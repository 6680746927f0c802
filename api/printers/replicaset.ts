/** ReplicaSet columns. */
import type { ApiObject } from '../meta.js';
import type { ReplicaSet } from '../types/apps.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn, containersColumn, imagesColumn, formatLabelSelector, layoutContainerCells } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Desired', 'integer', 'Replicas is the number of desired pods.'),
  column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
  column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  column('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
];

function replicaSetCells(obj: ApiObject, now: Date): Cell[] {
  const rs = obj as ReplicaSet;
  const [names, images] = layoutContainerCells(rs.spec?.template?.spec?.containers);
  return [
    rs.metadata.name ?? '',
    rs.spec?.replicas ?? 1,
    rs.status?.replicas ?? 0,
    rs.status?.readyReplicas ?? 0,
    formatAge(rs.metadata.creationTimestamp, now),
    names,
    images,
    formatLabelSelector(rs.spec?.selector),
  ];
}

export const replicaSetPrinter: KindPrinter = { columns, cells: replicaSetCells };
