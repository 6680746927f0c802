import { describe, expect, it } from '@jest/globals';
import { PodAddressPool, hollowNodeIP } from './addresses.js';
import { fleetNodeShape, hollowNodeName, isTainted, zoneOf, type FleetConfig } from './fleet.js';

describe('hollow fleet shapes', () => {
  it('names nodes hollow-<prefix>-NNNNN, wider when the fleet needs it', () => {
    expect(hollowNodeName('a', 7, 5000)).toBe('hollow-a-00007');
    expect(hollowNodeName('a', 7, 150_000)).toBe('hollow-a-000007');
  });

  it('deals zones round-robin, none when zones is 0', () => {
    expect([1, 2, 3, 4].map((i) => zoneOf(i, 3))).toEqual(['zone-0', 'zone-1', 'zone-2', 'zone-0']);
    expect(zoneOf(1, 0)).toBeUndefined();
  });

  it('taints exactly the fraction of nodes, spread evenly', () => {
    const tainted = Array.from({ length: 100 }, (_, i) => i + 1).filter((i) => isTainted(i, 0.1));
    expect(tainted).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(Array.from({ length: 5000 }, (_, i) => i + 1).filter((i) => isTainted(i, 0.3)).length).toBe(1500);
    expect(isTainted(1, 1)).toBe(true);
    expect(isTainted(1, 0)).toBe(false);
  });

  it('builds a node shape from the fleet config and the index', () => {
    const config: FleetConfig = { nodes: 20, namePrefix: 't', zones: 3, region: 'r1', capacity: { cpu: '4', pods: '110' }, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }], taintFraction: 0.5 };
    const software = { machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: '', containerRuntimeVersion: '', agentVersion: '' };
    const second = fleetNodeShape(config, 2, 'amd64', software);
    expect(second).toMatchObject({ name: 'hollow-t-00002', zone: 'zone-1', region: 'r1', internalIP: '10.0.0.2', taints: config.taints, labels: { 'node.cairn.dev/hollow-fleet': 't' } });
    expect(fleetNodeShape(config, 3, 'amd64', software).taints).toEqual([]);
  });
});

describe('addresses', () => {
  it('gives every node its own InternalIP', () => {
    expect(hollowNodeIP(1)).toBe('10.0.0.1');
    expect(hollowNodeIP(5000)).toBe('10.0.19.136');
  });

  it('hands out distinct pod addresses per node and reuses released ones', () => {
    const a = new PodAddressPool(1, 110);
    const b = new PodAddressPool(2, 110);
    const fromA = Array.from({ length: 110 }, () => a.allocate());
    expect(new Set(fromA).size).toBe(110);
    expect(fromA[0]).toBe('100.64.0.1');
    expect(b.allocate()).toBe('100.64.0.129');
    a.release(fromA[5]!);
    expect(a.allocate()).toBe(fromA[5]);
  });

  it('takes back addresses found in pods from an earlier run', () => {
    const pool = new PodAddressPool(1, 110);
    expect(pool.reserve('100.64.0.3')).toBe(true);
    expect(pool.reserve('100.64.1.3')).toBe(false);
    expect([pool.allocate(), pool.allocate(), pool.allocate()]).toEqual(['100.64.0.2', '100.64.0.1', '100.64.0.4']);
  });
});
