/** Small builders of Pods, Namespaces and NetworkPolicies for the policy tests. */
import type { ContainerPort, Namespace, Pod } from '../../../api/types/core.js';
import type { NetworkPolicy, NetworkPolicySpec } from '../../../api/types/network-policy.js';

export interface PodFixture {
  name: string;
  namespace?: string;
  node: string;
  ip?: string;
  labels?: Record<string, string>;
  ports?: ContainerPort[];
}

export function pod(f: PodFixture): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: f.name, namespace: f.namespace ?? 'default', labels: f.labels ?? {} },
    spec: { nodeName: f.node, containers: [{ name: 'app', image: 'app', ports: f.ports ?? [] }] },
    status: f.ip ? { phase: 'Running', podIP: f.ip, podIPs: [{ ip: f.ip }] } : { phase: 'Pending' },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

/** A policy as the registry stores it: policyTypes defaulted (Ingress, plus Egress when there are egress rules). */
export function policy(name: string, spec: Omit<NetworkPolicySpec, 'podSelector'> & { podSelector?: NetworkPolicySpec['podSelector'] }, namespace = 'default'): NetworkPolicy {
  const policyTypes = spec.policyTypes ?? (spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress']);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: { podSelector: {}, ...spec, policyTypes },
  };
}
