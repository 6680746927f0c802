import { describe, expect, it } from '@jest/globals';
import type { Toleration } from '../../api/types/core.js';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import type { FrameworkHandle } from '../framework/types.js';
import { makeNode, makePod, nodeInfos } from '../testing/builders.js';
import { ERR_REASON_UNSCHEDULABLE, NodeUnschedulable, nodeUnschedulableFactory } from './node-unschedulable.js';

// These plugins never use the handle.
const handle = {} as FrameworkHandle;

describe('NodeUnschedulable', () => {
  const [cordoned, open] = nodeInfos([makeNode('cordoned', { unschedulable: true }), makeNode('open')]);
  const plugin = new NodeUnschedulable();
  const filter = (tolerations?: Toleration[]) => plugin.filter(new CycleState(), new PodInfo(makePod('p', { tolerations })), cordoned!);

  it('rejects a cordoned node as unresolvable', () => {
    const s = filter();
    expect(s?.code).toBe('UnschedulableAndUnresolvable');
    expect(s?.reasons).toEqual(['node(s) were unschedulable']);
    expect(ERR_REASON_UNSCHEDULABLE).toBe('node(s) were unschedulable');
  });

  it('admits pods that tolerate the unschedulable taint', () => {
    expect(filter([{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }])).toBeUndefined();
    expect(filter([{ operator: 'Exists' }])).toBeUndefined();
    expect(filter([{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }])?.code).toBe('UnschedulableAndUnresolvable');
  });

  it('passes schedulable nodes and re-tries when a node becomes schedulable', () => {
    expect(plugin.filter(new CycleState(), new PodInfo(makePod('p')), open!)).toBeUndefined();
    expect(plugin.requeueOn).toEqual(expect.arrayContaining(['NodeAdd', 'NodeSchedulableChange']));
    expect(() => nodeUnschedulableFactory({ x: 1 }, handle)).toThrow(/NodeUnschedulable: x: unknown field/);
  });
});
