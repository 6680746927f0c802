/** mesh.cairn.dev/v1alpha1: traffic policy for the service mesh (TrafficRoute, DestinationPolicy, MeshAuthorization). */
import type { ApiObject, ObjectMeta } from '../meta.js';

export const MESH_GROUP = 'mesh.cairn.dev';
export const MESH_API_VERSION = `${MESH_GROUP}/v1alpha1`;

// ---- Status, shared by all three kinds (the xDS server writes `Accepted` and `rejectedBy` from its proxies' ACKs and NACKs).

export type MeshConditionType = 'Accepted' | 'Programmed';

export interface MeshCondition {
  type: MeshConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  /** The metadata.generation this condition describes; older means the condition is stale. */
  observedGeneration?: number;
}

/** A node whose data plane could not program the policy, and why; `lastTransitionTime`: since when it rejects it. */
export interface MeshRejection { node: string; message: string; lastTransitionTime?: string }

export interface MeshPolicyStatus { conditions?: MeshCondition[]; rejectedBy?: MeshRejection[] }

// ---- TrafficRoute: how requests to one Service are matched and sent to backends.

export interface StringMatch { exact?: string; prefix?: string; regex?: string }
export interface HeaderMatch { name: string; exact?: string; prefix?: string; regex?: string; present?: boolean }

/** All given conditions must hold; an absent match matches every request. */
export interface RouteMatch { path?: StringMatch; headers?: HeaderMatch[]; methods?: string[] }

export interface RouteBackend {
  service: string;
  /** Only the endpoints whose pods carry these labels. */
  subset?: { labels: Record<string, string> };
  /** Share of the rule's traffic, 0-100; defaults to 100 for a lone backend, and a rule's weights sum to 100. */
  weight?: number;
}

export const RETRY_ON = ['5xx', 'reset', 'connect-failure', 'retriable-4xx', 'gateway-error'] as const;
export type RetryOn = (typeof RETRY_ON)[number];

export interface RetryPolicy { attempts?: number; perTryTimeout?: string; retryOn?: RetryOn[]; budgetPercent?: number }

export interface FaultInjection {
  delay?: { fixedDelay: string; percent: number };
  abort?: { httpStatus: number; percent: number };
}

export interface HeaderEdits { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] }

export interface RouteRule {
  match?: RouteMatch;
  backends: RouteBackend[];
  timeout?: string;
  retries?: RetryPolicy;
  fault?: FaultInjection;
  headers?: { request?: HeaderEdits; response?: HeaderEdits };
  mirror?: { service: string; percent?: number };
}

/** Rules are tried in order; the first whose match holds routes the request. */
export interface TrafficRouteSpec { service: string; rules: RouteRule[] }

export interface TrafficRoute extends ApiObject { metadata: ObjectMeta; spec: TrafficRouteSpec; status?: MeshPolicyStatus }

// ---- DestinationPolicy: how clients talk to one Service's endpoints.

export const LB_POLICIES = ['RoundRobin', 'LeastRequest', 'RingHash', 'Maglev'] as const;
export type LoadBalancerPolicy = (typeof LB_POLICIES)[number];

/** Exactly one key: a request header's value, or the client's address. */
export interface HashOn { header?: string; sourceIP?: boolean }

export interface DestinationPolicySpec {
  service: string;
  /** `hashOn` is required for the consistent-hash policies (RingHash, Maglev) and refused for the others. */
  loadBalancer?: { policy: LoadBalancerPolicy; hashOn?: HashOn };
  connectionPool?: { maxConnections?: number; maxPendingRequests?: number; maxRequests?: number; maxRetries?: number };
  outlierDetection?: { consecutive5xx?: number; interval?: string; baseEjectionTime?: string; maxEjectionPercent?: number };
  tls?: { mode: 'Disable' | 'Mutual' };
}

export interface DestinationPolicy extends ApiObject { metadata: ObjectMeta; spec: DestinationPolicySpec; status?: MeshPolicyStatus }

// ---- MeshAuthorization: which workloads may call a Service, or the namespace's default.

export type MeshAction = 'Allow' | 'Deny';

/** A caller: a service account (in `namespace`, else the policy's), or every workload of a namespace. */
export interface MeshSource { serviceAccount?: string; namespace?: string }

/** Paths are exact, or prefixes written with a trailing `*`; empty lists match everything. */
export interface MeshAuthorizationRule { paths?: string[]; methods?: string[] }

/** Either `destination` (a per-Service policy, with action/sources/rules) or `default` (the namespace's fallback), never both. */
export interface MeshAuthorizationSpec {
  destination?: { service: string };
  action?: MeshAction;
  sources?: MeshSource[];
  rules?: MeshAuthorizationRule[];
  default?: MeshAction;
}

export interface MeshAuthorization extends ApiObject { metadata: ObjectMeta; spec: MeshAuthorizationSpec; status?: MeshPolicyStatus }
