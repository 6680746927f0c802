/** Builds meta.k8s.io/v1 Tables: the server side of `kubectl get`. */
import type { ApiObject } from '../meta.js';
import type { KindPrinter, Table, TableRow } from './types.js';
import { podPrinter } from './pod.js';
import { nodePrinter } from './node.js';
import { servicePrinter } from './service.js';
import { endpointsPrinter } from './endpoints.js';
import { configMapPrinter } from './configmap.js';
import { secretPrinter } from './secret.js';
import { namespacePrinter } from './namespace.js';
import { eventPrinter } from './event.js';
import { leasePrinter } from './lease.js';
import { replicaSetPrinter } from './replicaset.js';
import { deploymentPrinter } from './deployment.js';
import { priorityClassPrinter } from './priorityclass.js';
import { podDisruptionBudgetPrinter } from './poddisruptionbudget.js';
import { networkPolicyPrinter } from './networkpolicy.js';
import { ingressPrinter, ingressClassPrinter } from './ingress.js';
import { trafficRoutePrinter, destinationPolicyPrinter, meshAuthorizationPrinter } from './mesh.js';
import { genericPrinter } from './generic.js';

const printers: Record<string, KindPrinter> = {
  Pod: podPrinter,
  Node: nodePrinter,
  Service: servicePrinter,
  Endpoints: endpointsPrinter,
  ConfigMap: configMapPrinter,
  Secret: secretPrinter,
  Namespace: namespacePrinter,
  Event: eventPrinter,
  Lease: leasePrinter,
  ReplicaSet: replicaSetPrinter,
  Deployment: deploymentPrinter,
  PriorityClass: priorityClassPrinter,
  PodDisruptionBudget: podDisruptionBudgetPrinter,
  NetworkPolicy: networkPolicyPrinter,
  Ingress: ingressPrinter,
  IngressClass: ingressClassPrinter,
  TrafficRoute: trafficRoutePrinter,
  DestinationPolicy: destinationPolicyPrinter,
  MeshAuthorization: meshAuthorizationPrinter,
};

export function printerFor(kind: string): KindPrinter {
  return Object.hasOwn(printers, kind) ? printers[kind] : genericPrinter;
}

export type IncludeObject = 'None' | 'Object' | 'Metadata';

function rowObject(obj: ApiObject, include: IncludeObject): unknown {
  switch (include) {
    case 'None':
      return null;
    case 'Object':
      return obj;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: structuredClone(obj.metadata) };
  }
}

/**
 * A Table for `objects` of one kind. Like kube-apiserver, cells always include the priority>0 (wide)
 * columns; clients drop them unless asked for wide output.
 */
export function buildTable(
  kind: string,
  objects: ApiObject[],
  opts: { now: Date; includeObject: IncludeObject; resourceVersion?: string; continue?: string },
): Table {
  const printer = printerFor(kind);
  const rows: TableRow[] = objects.map((obj) => ({ cells: printer.cells(obj, opts.now), object: rowObject(obj, opts.includeObject) }));
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows,
  };
}
