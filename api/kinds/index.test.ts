import { describe, it, expect } from '@jest/globals';
import type { ApiObject } from '../meta.js';
import type { PodSpec } from '../types/core.js';
import { applyPodSpecDefaults, strategies, validatePodSpec } from './index.js';

const CLUSTER_SCOPED = ['Namespace', 'Node', 'PriorityClass', 'IngressClass'];
const NAMESPACED = ['Pod', 'Service', 'Endpoints', 'ConfigMap', 'Secret', 'Event', 'Lease', 'ReplicaSet', 'Deployment', 'NetworkPolicy', 'Ingress', 'PodDisruptionBudget',
  'TrafficRoute', 'DestinationPolicy', 'MeshAuthorization'];

describe('strategies', () => {
  it('has one strategy per served kind', () => {
    expect(Object.keys(strategies).sort()).toEqual([...CLUSTER_SCOPED, ...NAMESPACED].sort());
  });

  it.each(NAMESPACED)('%s selects on name and namespace, with "" for missing values', (kind) => {
    const fields = strategies[kind]!.selectableFields({ metadata: { name: 'x', namespace: 'ns' } });
    expect(fields['metadata.name']).toBe('x');
    expect(fields['metadata.namespace']).toBe('ns');
    for (const value of Object.values(fields)) expect(typeof value).toBe('string');
  });

  it.each(CLUSTER_SCOPED)('%s has no metadata.namespace field', (kind) => {
    const fields = strategies[kind]!.selectableFields({ metadata: { name: 'x' } });
    expect(fields['metadata.name']).toBe('x');
    expect(fields).not.toHaveProperty('metadata.namespace');
  });

  it.each([...CLUSTER_SCOPED, ...NAMESPACED])('%s reports a missing name and tolerates an empty object', (kind) => {
    const obj = { metadata: {} };
    const s = strategies[kind]!;
    s.prepareForCreate?.(obj);
    s.applyDefaults(obj);
    expect(s.validate(obj).map((e) => e.path)).toContain('metadata.name');
  });
});

describe('PodSpec helpers for workload controllers', () => {
  it('validates a template spec at the given path', () => {
    const spec = { containers: [{ name: 'app', image: '' }], restartPolicy: 'Always' };
    expect(validatePodSpec(spec, 'spec.template.spec').map((e) => e.path)).toEqual(['spec.template.spec.containers[0].image']);
  });

  it('accepts a raw template before defaulting, and the same spec after', () => {
    const spec: PodSpec = { containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: 80 }] }] };
    expect(validatePodSpec(spec, 'spec')).toEqual([]);
    applyPodSpecDefaults(spec);
    expect(spec.restartPolicy).toBe('Always');
    expect(spec.containers[0]!.ports![0]!.protocol).toBe('TCP');
    expect(validatePodSpec(spec, 'spec')).toEqual([]);
  });

  it('defaults without throwing on malformed input', () => {
    expect(() => applyPodSpecDefaults({ containers: 'x', volumes: [null, 3] } as unknown as PodSpec)).not.toThrow();
  });
});

/** What `kubectl create ... --dry-run=client -o json` and `kubectl run` send, nulls and empty objects included. */
describe('kubectl-generated manifests', () => {
  it.each([
    ['Deployment', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', creationTimestamp: null, labels: { app: 'web' } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, strategy: {},
        template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ image: 'nginx', name: 'nginx', resources: {} }] } } },
      status: {},
    }],
    ['Pod', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx', namespace: 'default', creationTimestamp: null, labels: { run: 'nginx' } },
      spec: { containers: [{ image: 'nginx', name: 'nginx', resources: {} }], dnsPolicy: 'ClusterFirst', restartPolicy: 'Always' }, status: {},
    }],
    ['Service', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', creationTimestamp: null, labels: { app: 'web' } },
      spec: { ports: [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'web' }, type: 'ClusterIP' }, status: { loadBalancer: {} },
    }],
    ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default', creationTimestamp: null }, data: { key: 'value' } }],
    ['Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default', creationTimestamp: null }, data: { password: 'czNjcjN0' } }],
    ['Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', creationTimestamp: null }, spec: {}, status: {} }],
    ['PriorityClass', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high', creationTimestamp: null }, value: 1000, globalDefault: false, description: 'high' }],
  ])('accepts %s', (kind, manifest) => {
    const obj = structuredClone(manifest) as unknown as ApiObject;
    const s = strategies[kind]!;
    s.prepareForCreate?.(obj);
    s.applyDefaults(obj);
    expect(s.validate(obj)).toEqual([]);
  });
});
