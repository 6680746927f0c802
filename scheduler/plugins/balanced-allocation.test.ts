import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import { PodInfo } from '../framework/pod-info.js';
import type { FrameworkHandle } from '../framework/types.js';
import { makeNode, makePod, nodeInfos, type NodeShape } from '../testing/builders.js';
import type { Args } from './args.js';
import { NODE_RESOURCES_BALANCED_ALLOCATION, BalancedAllocation, balancedAllocationFactory } from './balanced-allocation.js';

// BalancedAllocation never uses the handle.
const handle = {} as FrameworkHandle;
const plugin = (args?: Args) => balancedAllocationFactory(args, handle) as BalancedAllocation;

function node(shape: NodeShape = {}, ...existing: Pod[]): NodeInfo {
  return nodeInfos([makeNode('n', shape)], existing.map((p) => ({ ...p, spec: { ...p.spec, nodeName: 'n' } })))[0]!;
}

function score(p: BalancedAllocation, pod: Pod, n: NodeInfo): number {
  const state = new CycleState();
  const info = new PodInfo(pod);
  p.preScore(state, info);
  return p.score(state, info, n);
}

describe('NodeResourcesBalancedAllocation', () => {
  it('scores 100 when cpu and memory would be used in equal fractions', () => {
    expect(score(plugin(), makePod('p', { cpu: '1', memory: '4Gi' }), node())).toBe(100);
  });

  it('subtracts the standard deviation of the fractions', () => {
    // cpu 0.5, memory 0.25: deviation 0.125
    expect(score(plugin(), makePod('p', { cpu: '2', memory: '4Gi' }), node())).toBe(87);
    // the node's pods count: cpu (2 + 1) / 4, memory 4Gi / 16Gi
    expect(score(plugin(), makePod('p', { cpu: '1', memory: '4Gi' }), node({}, makePod('a', { cpu: '2' })))).toBe(75);
  });

  it('uses plain requests: a pod requesting nothing leaves the node as balanced as it was', () => {
    expect(score(plugin(), makePod('p'), node())).toBe(100);
    expect(score(plugin(), makePod('p'), node({}, makePod('a', { cpu: '2' })))).toBe(75);
  });

  it('takes the population deviation over more than two configured resources', () => {
    const three = plugin({ resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'ephemeral-storage', weight: 1 }] });
    // fractions 0.5, 0.25, 0: deviation sqrt(0.125 / 3)
    expect(score(three, makePod('p', { cpu: '2', memory: '4Gi' }), node({ extra: { 'ephemeral-storage': '100Gi' } }))).toBe(79);
  });

  it('leaves out an extended resource the pod does not request', () => {
    const withGpu = plugin({ resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'example.com/gpu' }] });
    const gpuNode = node({ extra: { 'example.com/gpu': '2' } });
    expect(score(withGpu, makePod('p', { cpu: '1', memory: '4Gi' }), gpuNode)).toBe(100);
    // fractions 0.25, 0.25, 1
    expect(score(withGpu, makePod('p', { cpu: '1', memory: '4Gi', extra: { 'example.com/gpu': '2' } }), gpuNode)).toBe(64);
  });

  it('validates args: weights must be 1, resources listed once', () => {
    expect(plugin().name).toBe(NODE_RESOURCES_BALANCED_ALLOCATION);
    expect(NODE_RESOURCES_BALANCED_ALLOCATION).toBe('NodeResourcesBalancedAllocation');
    expect(() => plugin({ resources: [{ name: 'cpu', weight: 2 }] })).toThrow(/resources\[0\].weight: must be an integer in \[1, 1\]/);
    expect(() => plugin({ resources: [{ name: 'memory' }, { name: 'memory' }] })).toThrow(/listed twice/);
    expect(() => plugin({ resource: [] })).toThrow(/resource: unknown field \(known fields: resources\)/);
  });
});
