import { describe, expect, it } from '@jest/globals';
import type { Node } from '../../api/types/core.js';
import { buildNode, HEALTHY, nodeConditions, type NodeShape } from './node-object.js';
import { reRegistration } from './registration.js';

const software = { machineID: 'm', systemUUID: 'u', bootID: 'b2', kernelVersion: 'k', osImage: 'o', containerRuntimeVersion: 'sim://1', agentVersion: 'v2' };
const shape: NodeShape = { name: 'n1', capacity: { cpu: '8', pods: '110' }, arch: 'amd64', zone: 'zone-2', labels: { extra: 'new' }, taints: [{ key: 'k', effect: 'NoSchedule' }], software };
const earlier = new Date('2024-01-01T00:00:00.000Z');
const now = new Date('2024-02-01T00:00:00.000Z');

const existing: Node = {
  apiVersion: 'v1', kind: 'Node',
  metadata: {
    name: 'n1', uid: 'x', resourceVersion: '7',
    labels: { 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'topology.kubernetes.io/zone': 'zone-1', admin: 'set-by-hand' },
  },
  spec: { unschedulable: true, taints: [{ key: 'admin', effect: 'NoExecute' }] },
  status: {
    capacity: { cpu: '4', pods: '110' },
    conditions: [{ type: 'NetworkUnavailable', status: 'False' }, ...nodeConditions(HEALTHY, earlier)],
    phase: 'Running',
  },
};

describe('reRegistration', () => {
  const plan = reRegistration(existing, buildNode(shape, HEALTHY, now));

  it('sets only the agent-owned labels that changed; admin labels and new extra labels are left alone', () => {
    expect(plan.labels).toEqual({ 'topology.kubernetes.io/zone': 'zone-2' });
  });

  it('needs no label change when they match', () => {
    const same = { ...existing, metadata: { ...existing.metadata, labels: { ...existing.metadata.labels, 'topology.kubernetes.io/zone': 'zone-2' } } };
    expect(reRegistration(same, buildNode(shape, HEALTHY, now)).labels).toBeUndefined();
  });

  it('replaces the status with the agent\'s, keeping others\' conditions and unchanged transition times', () => {
    expect(plan.status.capacity).toEqual({ cpu: '8', pods: '110' });
    expect(plan.status.nodeInfo?.kubeletVersion).toBe('v2');
    expect(plan.status.conditions?.map((c) => c.type)).toEqual(['NetworkUnavailable', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
    expect(plan.status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ lastTransitionTime: earlier.toISOString(), lastHeartbeatTime: now.toISOString() });
  });
});
