import { describe, expect, it } from '@jest/globals';
import type { Taint, Toleration } from '../../api/types/core.js';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import type { FrameworkHandle } from '../framework/types.js';
import { makeNode, makePod, nodeInfos } from '../testing/builders.js';
import { TaintToleration, taintTolerationFactory } from './taint-toleration.js';

// These plugins never use the handle.
const handle = {} as FrameworkHandle;
const gpu: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('TaintToleration filter', () => {
  const plugin = new TaintToleration();
  const filter = (taints: Taint[], tolerations?: Toleration[]) =>
    plugin.filter(new CycleState(), new PodInfo(makePod('p', { tolerations })), nodeInfos([makeNode('n', { taints })])[0]!);

  it('rejects an untolerated NoSchedule or NoExecute taint as unresolvable, naming it', () => {
    const s = filter([gpu]);
    expect(s?.code).toBe('UnschedulableAndUnresolvable');
    expect(s?.reasons).toEqual(['node(s) had untolerated taint {dedicated: gpu}']);
    expect(filter([{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }])?.reasons)
      .toEqual(['node(s) had untolerated taint {node.kubernetes.io/not-ready}']);
  });

  it('ignores PreferNoSchedule taints and tolerated ones', () => {
    expect(filter([{ key: 'soft', effect: 'PreferNoSchedule' }])).toBeUndefined();
    expect(filter([gpu], [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }])).toBeUndefined();
    expect(filter([gpu], [{ key: 'dedicated', operator: 'Exists' }])).toBeUndefined();
    expect(filter([gpu], [{ key: 'dedicated', operator: 'Equal', value: 'tpu' }])?.code).toBe('UnschedulableAndUnresolvable');
  });

  it('reports the first untolerated taint of several', () => {
    const other: Taint = { key: 'zone', value: 'a', effect: 'NoSchedule' };
    expect(filter([gpu, other], [{ key: 'dedicated', operator: 'Exists' }])?.reasons).toEqual(['node(s) had untolerated taint {zone: a}']);
  });
});

describe('TaintToleration score', () => {
  const soft = (key: string): Taint => ({ key, effect: 'PreferNoSchedule' });
  const nodes = nodeInfos([
    makeNode('clean'),
    makeNode('one', { taints: [soft('a')] }),
    makeNode('two', { taints: [soft('a'), soft('b'), gpu] }),
  ]);

  it('prefers nodes with fewer untolerated PreferNoSchedule taints', () => {
    const plugin = new TaintToleration();
    const state = new CycleState();
    const pod = new PodInfo(makePod('p'));
    plugin.preScore(state, pod);
    const scores = nodes.map((n) => ({ name: n.name, score: plugin.score(state, pod, n) }));
    expect(scores.map((s) => s.score)).toEqual([0, 1, 2]);
    plugin.normalizeScore(state, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 50, 0]);
  });

  it('counts only taints not tolerated by PreferNoSchedule or effect-less tolerations', () => {
    const plugin = new TaintToleration();
    const state = new CycleState();
    const pod = new PodInfo(makePod('p', { tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists', effect: 'NoSchedule' }] }));
    plugin.preScore(state, pod);
    expect(nodes.map((n) => plugin.score(state, pod, n))).toEqual([0, 0, 1]);
  });

  it('re-tries on node add and taint change, and takes no args', () => {
    expect(new TaintToleration().requeueOn).toEqual(expect.arrayContaining(['NodeAdd', 'NodeTaintChange']));
    expect(() => taintTolerationFactory({ x: 1 }, handle)).toThrow(/unknown field/);
  });
});
