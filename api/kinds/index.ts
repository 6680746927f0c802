/** Every kind's strategy, keyed by Kind, plus the PodSpec helpers workload controllers reuse. */
import type { ApiObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import { configMapStrategy } from './configmap.js';
import { deploymentStrategy } from './deployment.js';
import { destinationPolicyStrategy } from './destinationpolicy.js';
import { endpointsStrategy } from './endpoints.js';
import { eventStrategy } from './event.js';
import { ingressStrategy } from './ingress.js';
import { ingressClassStrategy } from './ingress-class.js';
import { leaseStrategy } from './lease.js';
import { meshAuthorizationStrategy } from './meshauthorization.js';
import { namespaceStrategy } from './namespace.js';
import { networkPolicyStrategy } from './networkpolicy.js';
import { nodeStrategy } from './node.js';
import { podStrategy } from './pod.js';
import { podDisruptionBudgetStrategy } from './poddisruptionbudget.js';
import { priorityClassStrategy } from './priorityclass.js';
import { replicaSetStrategy } from './replicaset.js';
import { secretStrategy } from './secret.js';
import { serviceStrategy } from './service.js';
import { trafficRouteStrategy } from './trafficroute.js';

export { validatePodSpec } from './pod-spec.js';
export { applyPodSpecDefaults, applyPodOnlyDefaults, defaultPullPolicy } from './pod-spec-defaults.js';
export { validatePodSpecUpdate } from './pod-update.js';
export { computeQOSClass, type QOSClass } from './qos.js';

// Each strategy is typed for its own kind (method parameters are bivariant); the registry hands it only that kind.
export const strategies: Record<string, KindStrategy<ApiObject>> = {
  Namespace: namespaceStrategy,
  Node: nodeStrategy,
  Pod: podStrategy,
  Service: serviceStrategy,
  Endpoints: endpointsStrategy,
  ConfigMap: configMapStrategy,
  Secret: secretStrategy,
  Event: eventStrategy,
  Lease: leaseStrategy,
  ReplicaSet: replicaSetStrategy,
  Deployment: deploymentStrategy,
  PriorityClass: priorityClassStrategy,
  NetworkPolicy: networkPolicyStrategy,
  Ingress: ingressStrategy,
  IngressClass: ingressClassStrategy,
  PodDisruptionBudget: podDisruptionBudgetStrategy,
  TrafficRoute: trafficRouteStrategy,
  DestinationPolicy: destinationPolicyStrategy,
  MeshAuthorization: meshAuthorizationStrategy,
};
