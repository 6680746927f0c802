import { describe, expect, it } from '@jest/globals';
import { allocatableFor, buildNode, goArch, HEALTHY, mergeNodeConditions, nodeConditions, type NodeShape } from './node-object.js';

const now = new Date('2024-05-01T10:00:00.000Z');
const shape: NodeShape = {
  name: 'worker-1',
  capacity: { cpu: '4', memory: '16Gi', 'ephemeral-storage': '100Gi', pods: '110' },
  arch: 'amd64',
  zone: 'zone-1',
  region: 'lab',
  labels: { team: 'infra' },
  taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }],
  internalIP: '10.0.0.5',
  software: {
    machineID: 'm', systemUUID: 'u', bootID: 'b', kernelVersion: '6.1.0', osImage: 'Debian', containerRuntimeVersion: 'sim://0.1.0', agentVersion: 'v0.1.0',
  },
};

describe('buildNode', () => {
  const node = buildNode(shape, HEALTHY, now);

  it('labels hostname, os, arch, zone and region next to the extra labels', () => {
    expect(node.metadata).toEqual({
      name: 'worker-1',
      labels: {
        team: 'infra', 'kubernetes.io/hostname': 'worker-1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': 'zone-1', 'topology.kubernetes.io/region': 'lab',
      },
    });
  });

  it('leaves out zone and region labels when the node has none', () => {
    const labels = buildNode({ ...shape, zone: undefined, region: undefined }, HEALTHY, now).metadata.labels!;
    expect(Object.keys(labels)).not.toContain('topology.kubernetes.io/zone');
    expect(Object.keys(labels)).not.toContain('topology.kubernetes.io/region');
  });

  it('registers with the taints, and an empty spec without them', () => {
    expect(node.spec).toEqual({ taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
    expect(buildNode({ ...shape, taints: [] }, HEALTHY, now).spec).toEqual({});
  });

  it('reports capacity, allocatable, addresses and node info', () => {
    expect(node.status?.capacity).toEqual(shape.capacity);
    expect(node.status?.allocatable).toEqual(shape.capacity);
    expect(node.status?.addresses).toEqual([{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'worker-1' }]);
    expect(node.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v0.1.0', containerRuntimeVersion: 'sim://0.1.0', operatingSystem: 'linux', architecture: 'amd64', osImage: 'Debian' });
  });

  it('reports a healthy node with the kubelet condition reasons', () => {
    expect(node.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
    expect(node.status?.conditions?.[3]).toMatchObject({ lastHeartbeatTime: now.toISOString(), lastTransitionTime: now.toISOString() });
  });
});

describe('nodeConditions', () => {
  it('reports pressure and not-ready with their reasons and message', () => {
    const conditions = nodeConditions({ ready: false, notReadyMessage: 'runtime down', memoryPressure: true, diskPressure: true, pidPressure: true }, now);
    expect(conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['MemoryPressure', 'True', 'KubeletHasInsufficientMemory'],
      ['DiskPressure', 'True', 'KubeletHasDiskPressure'],
      ['PIDPressure', 'True', 'KubeletHasInsufficientPID'],
      ['Ready', 'False', 'KubeletNotReady'],
    ]);
    expect(conditions[3]!.message).toBe('runtime down');
  });
});

describe('mergeNodeConditions', () => {
  it('keeps transition times of unchanged conditions and conditions other components own', () => {
    const earlier = new Date('2024-04-01T00:00:00.000Z');
    const current = [
      { type: 'NetworkUnavailable', status: 'False' as const, reason: 'RouteCreated' },
      ...nodeConditions({ ...HEALTHY, ready: false }, earlier),
    ];
    const merged = mergeNodeConditions(current, nodeConditions(HEALTHY, now));
    expect(merged.map((c) => c.type)).toEqual(['NetworkUnavailable', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
    expect(merged.find((c) => c.type === 'MemoryPressure')).toMatchObject({ lastTransitionTime: earlier.toISOString(), lastHeartbeatTime: now.toISOString() });
    expect(merged.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: now.toISOString() });
  });
});

describe('allocatableFor', () => {
  it('subtracts the reservation, never below zero, keeping formats', () => {
    expect(allocatableFor({ cpu: '4', memory: '16Gi', pods: '110' }, { cpu: '100m', memory: '512Mi', pods: '200' }))
      .toEqual({ cpu: '3900m', memory: '15872Mi', pods: '0' });
  });
});

describe('goArch', () => {
  it('names architectures as Kubernetes does', () => {
    expect(goArch('x64')).toBe('amd64');
    expect(goArch('arm64')).toBe('arm64');
  });
});
