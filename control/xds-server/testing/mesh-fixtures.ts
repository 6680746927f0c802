/** Small builders of the objects the xDS builders read, for unit tests (namespace `shop` unless given). */
import type { Endpoints, Pod, Service } from '../../../api/types/core.js';
import type { DestinationPolicySpec, MeshAuthorizationSpec, RouteRule, TrafficRoute, DestinationPolicy, MeshAuthorization } from '../../../api/types/mesh.js';
import { MeshStore, type MeshKind, type MeshObjects } from '../mesh-store.js';

export const NS = 'shop';
const meta = (name: string, namespace = NS): { name: string; namespace: string } => ({ name, namespace });

export const service = (name: string, ports: Service['spec']['ports'] = [{ name: 'grpc', port: 80 }], namespace = NS): Service =>
  ({ metadata: meta(name, namespace), spec: { ports } });

/** Ready addresses `pod=ip` pairs, each with a targetRef to its pod, on port `grpc` 8080. */
export const endpoints = (name: string, pods: Record<string, string>, namespace = NS): Endpoints => ({
  metadata: meta(name, namespace),
  subsets: [{ addresses: Object.entries(pods).map(([pod, ip]) => ({ ip, targetRef: { kind: 'Pod', name: pod, namespace } })), ports: [{ name: 'grpc', port: 8080 }] }],
});

export const pod = (name: string, labels: Record<string, string>, namespace = NS): Pod =>
  ({ metadata: { ...meta(name, namespace), labels }, spec: { containers: [] } });

export const trafficRoute = (name: string, svc: string, rules: RouteRule[], created = '2026-01-01T00:00:00Z'): TrafficRoute =>
  ({ metadata: { ...meta(name), creationTimestamp: created }, spec: { service: svc, rules } });

export const destinationPolicy = (name: string, spec: DestinationPolicySpec): DestinationPolicy => ({ metadata: meta(name), spec });

export const authorization = (name: string, spec: MeshAuthorizationSpec): MeshAuthorization => ({ metadata: meta(name), spec });

type Entry = { [K in MeshKind]: [K, MeshObjects[K]] }[MeshKind];

export function storeOf(...entries: Entry[]): MeshStore {
  const store = new MeshStore();
  for (const [kind, obj] of entries) store.apply(kind, obj, true);
  return store;
}
