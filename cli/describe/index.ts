/** `cairn describe`: kubectl-describe-like text for one object and its events. */
import type { ApiObject } from '../../api/meta.js';
import type { Pod, Service, Node, Namespace, ConfigMap, Secret } from '../../api/types/core.js';
import type { Deployment, ReplicaSet } from '../../api/types/apps.js';
import { DescribeWriter } from './writer.js';
import { describeHeader, describeEvents } from './common.js';
import { describePod } from './pod.js';
import { describeDeployment } from './deployment.js';
import { describeReplicaSet } from './replicaset.js';
import { describeService } from './service.js';
import { describeNode } from './node.js';
import { describeNamespace, describeConfigMap, describeSecret } from './simple.js';
import { describeGeneric } from './generic.js';

/** Objects some describers can use when the caller fetched them; each section is left out (or `<none>`) otherwise. */
export interface DescribeRelated {
  /** The Endpoints object of a Service (same name), for its "Endpoints:" lines. */
  endpoints?: ApiObject;
  /** Pods in the namespace, for a ReplicaSet's "Pods Status:" line (only those it controls are counted). */
  pods?: ApiObject[];
}

/**
 * Header (Name, Namespace, Labels, Annotations, CreationTimestamp), the kind's own sections, then Events.
 * `events` should already be those about `obj`; they are printed oldest first.
 */
export function describeObject(obj: ApiObject, events: ApiObject[], now: Date, related: DescribeRelated = {}): string {
  const w = new DescribeWriter();
  describeHeader(w, obj);
  switch (obj.kind) {
    case 'Pod': describePod(w, obj as Pod, now); break;
    case 'Deployment': describeDeployment(w, obj as Deployment); break;
    case 'ReplicaSet': describeReplicaSet(w, obj as ReplicaSet, related.pods); break;
    case 'Service': describeService(w, obj as Service, related.endpoints); break;
    case 'Node': describeNode(w, obj as Node); break;
    case 'Namespace': describeNamespace(w, obj as Namespace); break;
    case 'ConfigMap': describeConfigMap(w, obj as ConfigMap); break;
    case 'Secret': describeSecret(w, obj as Secret); break;
    default: describeGeneric(w, obj);
  }
  describeEvents(w, events, now);
  return w.toString();
}
