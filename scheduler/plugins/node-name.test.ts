import { describe, expect, it } from '@jest/globals';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import type { Status } from '../framework/status.js';
import { PluginArgsError, type FrameworkHandle, type PreFilterResult } from '../framework/types.js';
import { makeNode, makePod, nodeInfos } from '../testing/builders.js';
import { ERR_REASON_NODE_NAME, NodeName, nodeNameFactory } from './node-name.js';

// These plugins never use the handle.
const handle = {} as FrameworkHandle;

describe('NodeName', () => {
  const [n1, n2] = nodeInfos([makeNode('n1'), makeNode('n2')]);
  const plugin = new NodeName();

  it('narrows PreFilter to the requested node and rejects every other node as unresolvable', () => {
    const pod = new PodInfo(makePod('p', { nodeName: 'n2' }));
    const state = new CycleState();
    expect((plugin.preFilter(state, pod) as PreFilterResult).nodeNames).toEqual(new Set(['n2']));
    expect(plugin.filter(state, pod, n2!)).toBeUndefined();
    const rejected = plugin.filter(state, pod, n1!);
    expect(rejected?.code).toBe('UnschedulableAndUnresolvable');
    expect(rejected?.reasons).toEqual([ERR_REASON_NODE_NAME]);
    expect(ERR_REASON_NODE_NAME).toBe("node(s) didn't match the requested node name");
  });

  it('skips pods that name no node', () => {
    const pod = new PodInfo(makePod('p'));
    expect((plugin.preFilter(new CycleState(), pod) as Status).code).toBe('Skip');
    expect(plugin.filter(new CycleState(), pod, n1!)).toBeUndefined();
  });

  it('re-tries rejected pods when a node is added, and takes no args', () => {
    expect(plugin.requeueOn).toContain('NodeAdd');
    expect(nodeNameFactory(undefined, handle).name).toBe('NodeName');
    expect(() => nodeNameFactory({ nodeName: 'x' }, handle)).toThrow(PluginArgsError);
  });
});
