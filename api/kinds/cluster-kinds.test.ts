import { describe, it, expect } from '@jest/globals';
import type { Namespace, Node } from '../types/core.js';
import type { PriorityClass } from '../types/apps.js';
import { namespaceStrategy } from './namespace.js';
import { nodeStrategy } from './node.js';
import { priorityClassStrategy } from './priorityclass.js';
import { clone, create, errorAt, paths, update } from './testing/helpers.js';

describe('Namespace', () => {
  it('becomes Active with the kubernetes finalizer and its name label', () => {
    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'web' } }, status: { phase: 'Terminating' } };
    expect(create(namespaceStrategy, ns)).toEqual([]);
    expect(ns.status).toEqual({ phase: 'Active' });
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.metadata.labels).toEqual({ team: 'web', 'kubernetes.io/metadata.name': 'shop' });
  });

  it('keeps client finalizers and does not add kubernetes twice', () => {
    const ns: Namespace = { metadata: { name: 'shop' }, spec: { finalizers: ['example.com/cleanup', 'kubernetes'] } };
    expect(create(namespaceStrategy, ns)).toEqual([]);
    expect(ns.spec!.finalizers).toEqual(['example.com/cleanup', 'kubernetes']);
  });

  it.each([
    ['a dotted name', { metadata: { name: 'team.shop' } }, 'metadata.name'],
    ['an upper-case name', { metadata: { name: 'Shop' } }, 'metadata.name'],
    ['a namespace on a cluster-scoped object', { metadata: { name: 'shop', namespace: 'default' } }, 'metadata.namespace'],
    ['an unprefixed custom finalizer', { metadata: { name: 'shop' }, spec: { finalizers: ['cleanup'] } }, 'spec.finalizers[0]'],
    ['an unknown spec field', { metadata: { name: 'shop' }, spec: { quota: 3 } }, 'spec.quota'],
  ] as [string, Namespace, string][])('rejects %s', (_name, ns, path) => {
    expect(paths(create(namespaceStrategy, ns))).toContain(path);
  });

  it('selects on status.phase and has no metadata.namespace field', () => {
    const ns: Namespace = { metadata: { name: 'shop' } };
    create(namespaceStrategy, ns);
    expect(namespaceStrategy.selectableFields(ns)).toEqual({ 'metadata.name': 'shop', 'status.phase': 'Active' });
  });
});

function node(): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-1.cluster.local', labels: { 'kubernetes.io/hostname': 'worker-1' } },
    spec: { podCIDR: '10.244.1.0/24', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
    status: {
      capacity: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'worker-1' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      nodeInfo: { kubeletVersion: 'cairn-0.1.0' },
    },
  };
}

describe('Node', () => {
  it('accepts a registered node and fills podCIDRs and allocatable', () => {
    const n = node();
    expect(create(nodeStrategy, n)).toEqual([]);
    expect(n.spec!.podCIDRs).toEqual(['10.244.1.0/24']);
    expect(n.status!.allocatable).toEqual(n.status!.capacity);
  });

  it.each([
    ['a bad taint effect', (n: Node) => { n.spec!.taints = [{ key: 'k', effect: 'NoRun' as 'NoSchedule' }]; }, 'spec.taints[0].effect'],
    ['a taint without effect', (n: Node) => { n.spec!.taints = [{ key: 'k' } as never]; }, 'spec.taints[0].effect'],
    ['a taint key that is not a qualified name', (n: Node) => { n.spec!.taints = [{ key: 'bad key', effect: 'NoSchedule' }]; }, 'spec.taints[0].key'],
    ['a duplicate key and effect', (n: Node) => { n.spec!.taints = [{ key: 'k', value: 'a', effect: 'NoSchedule' }, { key: 'k', value: 'b', effect: 'NoSchedule' }]; }, 'spec.taints[1]'],
    ['a podCIDR that is not a CIDR', (n: Node) => { n.spec!.podCIDR = '10.244.1.0'; }, 'spec.podCIDR'],
    ['two CIDRs of one family', (n: Node) => { n.spec = { podCIDRs: ['10.244.1.0/24', '10.245.1.0/24'] }; }, 'spec.podCIDRs'],
    ['a negative capacity', (n: Node) => { n.status!.capacity!.cpu = '-1'; }, 'status.capacity[cpu]'],
    ['an unknown address type', (n: Node) => { n.status!.addresses = [{ type: 'PublicIP', address: '1.2.3.4' }]; }, 'status.addresses[0].type'],
    ['an unknown spec field', (n: Node) => { (n.spec as Record<string, unknown>).cidr = 'x'; }, 'spec.cidr'],
  ])('rejects %s', (_name, patch, path) => {
    const n = node();
    patch(n);
    expect(paths(create(nodeStrategy, n))).toContain(path);
  });

  it('allows taint changes and setting a podCIDR once, but not changing it', () => {
    const fresh = node();
    delete fresh.spec!.podCIDR;
    create(nodeStrategy, fresh);
    const assigned = clone(fresh);
    assigned.spec!.podCIDR = '10.244.2.0/24';
    assigned.spec!.taints = [];
    assigned.spec!.unschedulable = true;
    expect(update(nodeStrategy, assigned, fresh)).toEqual([]);
    nodeStrategy.applyDefaults(assigned);
    const moved = clone(assigned);
    moved.spec!.podCIDR = '10.244.3.0/24';
    moved.spec!.podCIDRs = ['10.244.3.0/24'];
    expect(errorAt(update(nodeStrategy, moved, assigned), 'spec.podCIDRs')?.message).toMatch(/may not change podCIDR/);
  });

  it('selects on spec.unschedulable', () => {
    const n = node();
    expect(nodeStrategy.selectableFields(n)).toEqual({ 'metadata.name': 'worker-1.cluster.local', 'spec.unschedulable': 'false' });
    n.spec!.unschedulable = true;
    expect(nodeStrategy.selectableFields(n)['spec.unschedulable']).toBe('true');
  });
});

function pc(name: string, value: unknown, extra: Partial<PriorityClass> = {}): PriorityClass {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value: value as number, ...extra };
}

describe('PriorityClass', () => {
  it('accepts a user class and defaults the preemption policy', () => {
    const p = pc('high-priority', 1000000, { description: 'customer facing', globalDefault: false });
    expect(create(priorityClassStrategy, p)).toEqual([]);
    expect(p.preemptionPolicy).toBe('PreemptLowerPriority');
  });

  it('accepts the built-in system classes with their values', () => {
    expect(create(priorityClassStrategy, pc('system-node-critical', 2000001000))).toEqual([]);
    expect(create(priorityClassStrategy, pc('system-cluster-critical', 2000000000))).toEqual([]);
  });

  it.each([
    ['a missing value', pc('a', undefined), 'value', /Required/],
    ['a fractional value', pc('a', 1.5), 'value', /integer/],
    ['a value above the user limit', pc('a', 1000000001), 'value', /maximum allowed value of a user defined priority is 1000000000/],
    ['an unknown system- name', pc('system-mine', 10), 'metadata.name', /reserved/],
    ['a bad preemption policy', pc('a', 1, { preemptionPolicy: 'Always' as 'Never' }), 'preemptionPolicy', /"PreemptLowerPriority", "Never"/],
    ['an unknown field', { ...pc('a', 1), spec: {} } as PriorityClass, 'spec', /unknown field/],
  ])('rejects %s', (_name, p, path, message) => {
    const errs = create(priorityClassStrategy, p);
    expect(paths(errs)).toContain(path);
    expect(errorAt(errs, path)!.message).toMatch(message);
  });

  it('keeps value immutable but lets the description change', () => {
    const old = pc('high', 1000);
    create(priorityClassStrategy, old);
    const described = clone(old);
    described.description = 'now documented';
    expect(update(priorityClassStrategy, described, old)).toEqual([]);
    const revalued = clone(old);
    revalued.value = 2000;
    expect(errorAt(update(priorityClassStrategy, revalued, old), 'value')?.message).toMatch(/field is immutable/);
  });

  it('is cluster-scoped in its selectable fields', () => {
    expect(priorityClassStrategy.selectableFields(pc('high', 1))).toEqual({ 'metadata.name': 'high' });
  });
});
