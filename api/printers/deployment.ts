/** Deployment columns: READY is "ready/desired". */
import type { ApiObject } from '../meta.js';
import type { Deployment } from '../types/apps.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn, containersColumn, imagesColumn, formatLabelSelector, layoutContainerCells } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Ready', 'string', 'Number of the pod with ready state'),
  column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
  column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  column('Selector', 'string', 'Label selector for pods.', 1),
];

function deploymentCells(obj: ApiObject, now: Date): Cell[] {
  const d = obj as Deployment;
  const [names, images] = layoutContainerCells(d.spec?.template?.spec?.containers);
  return [
    d.metadata.name ?? '',
    `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
    d.status?.updatedReplicas ?? 0,
    d.status?.availableReplicas ?? 0,
    formatAge(d.metadata.creationTimestamp, now),
    names,
    images,
    formatLabelSelector(d.spec?.selector),
  ];
}

export const deploymentPrinter: KindPrinter = { columns, cells: deploymentCells };
