import { describe, expect, it } from '@jest/globals';
import type { Condition, Node } from '../../api/types/core.js';
import { HEALTHY, nodeConditions, type NodeHealth } from './node-object.js';
import type { MachineReadings } from './node-pressure.js';
import { NodeStatusReporter } from './node-status.js';

const fine: MachineReadings = { memAvailableBytes: 8e9, fsCapacityBytes: 1000, fsAvailableBytes: 500, pidsInUse: 400, pidMax: 32768 };

/** A Node store that records status writes. */
function fakeNodes(start: Date) {
  let node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', resourceVersion: '1' }, status: { conditions: nodeConditions(HEALTHY, start) } };
  const writes: Node[] = [];
  return {
    writes,
    current: () => node,
    get: async () => node,
    updateStatus: async (n: Node) => {
      node = { ...n, metadata: { ...n.metadata, resourceVersion: String(Number(n.metadata.resourceVersion) + 1) } };
      writes.push(node);
      return node;
    },
  };
}

function setup(reportMs = 300_000) {
  let clock = new Date('2026-01-01T00:00:00Z');
  let readings = fine;
  const nodes = fakeNodes(clock);
  const changes: [NodeHealth, NodeHealth][] = [];
  const reporter = new NodeStatusReporter(nodes, {
    nodeName: 'n1', read: async () => readings, reportMs, now: () => clock, onChange: (h, p) => changes.push([h, p]),
  });
  return {
    nodes, reporter, changes,
    advance: (ms: number) => { clock = new Date(clock.getTime() + ms); },
    set: (r: Partial<MachineReadings>) => { readings = { ...fine, ...r }; },
  };
}

const cond = (n: Node, type: string): Condition | undefined => n.status?.conditions?.find((c) => c.type === type);

describe('NodeStatusReporter', () => {
  it('writes nothing while nothing changes, then a heartbeat once the report period is over', async () => {
    const t = setup(60_000);
    for (let i = 0; i < 5; i++) {
      t.advance(10_000);
      expect(await t.reporter.tick()).toBe(false);
    }
    t.advance(10_000);
    expect(await t.reporter.tick()).toBe(true);
    const ready = cond(t.nodes.current(), 'Ready')!;
    expect(ready.lastHeartbeatTime).toBe('2026-01-01T00:01:00.000Z');
    expect(ready.lastTransitionTime).toBe('2026-01-01T00:00:00.000Z');
    expect(t.changes).toEqual([]);
  });

  it('writes again at once when the node lifecycle controller has set Ready Unknown', async () => {
    const t = setup();
    const node = t.nodes.current();
    node.status!.conditions = node.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c));
    t.advance(10_000);
    expect(await t.reporter.tick()).toBe(true);
    expect(cond(t.nodes.current(), 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-01T00:00:10.000Z' });
    t.advance(10_000);
    expect(await t.reporter.tick()).toBe(false);
  });

  it('writes as soon as a condition changes, with its transition time, and keeps others\' conditions', async () => {
    const t = setup();
    t.nodes.current().status!.conditions!.push({ type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated' });
    t.advance(10_000);
    t.set({ fsAvailableBytes: 50 });
    expect(await t.reporter.tick()).toBe(true);
    const node = t.nodes.current();
    expect(cond(node, 'DiskPressure')).toMatchObject({ status: 'True', reason: 'KubeletHasDiskPressure', lastTransitionTime: '2026-01-01T00:00:10.000Z' });
    expect(cond(node, 'MemoryPressure')).toMatchObject({ status: 'False', lastTransitionTime: '2026-01-01T00:00:00.000Z' });
    expect(cond(node, 'NetworkUnavailable')).toMatchObject({ status: 'False' });
    expect(t.changes).toEqual([[expect.objectContaining({ diskPressure: true }), expect.objectContaining({ diskPressure: false })]]);
    t.advance(10_000);
    expect(await t.reporter.tick()).toBe(false);
  });

  it('reports NotReady when the runtime stops answering, and Ready again when it is back', async () => {
    const t = setup();
    t.set({ runtimeError: 'runc: not found' });
    await t.reporter.tick();
    expect(cond(t.nodes.current(), 'Ready')).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down: runc: not found' });
    t.set({});
    t.advance(10_000);
    await t.reporter.tick();
    expect(cond(t.nodes.current(), 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-01T00:00:10.000Z' });
    expect(t.nodes.writes).toHaveLength(2);
  });

  it('tries the write again at the next tick when it failed', async () => {
    const t = setup();
    const updateStatus = t.nodes.updateStatus;
    t.nodes.updateStatus = async () => { throw new Error('bad request'); };
    t.set({ memAvailableBytes: 1 });
    await expect(t.reporter.tick()).rejects.toThrow('bad request');
    t.nodes.updateStatus = updateStatus;
    expect(await t.reporter.tick()).toBe(true);
    expect(cond(t.nodes.current(), 'MemoryPressure')?.status).toBe('True');
  });
});
