import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { CycleState } from '../framework/cycle-state.js';
import type { NodeInfo } from '../framework/node-info.js';
import { PodInfo } from '../framework/pod-info.js';
import type { FrameworkHandle } from '../framework/types.js';
import { makeNode, makePod, nodeInfos, type NodeShape } from '../testing/builders.js';
import type { Args } from './args.js';
import { NodeResourcesFit, nodeResourcesFitFactory } from './node-resources-fit.js';

// NodeResourcesFit never uses the handle.
const handle = {} as FrameworkHandle;
const fit = (args?: Args) => nodeResourcesFitFactory(args, handle) as NodeResourcesFit;

/** A node of `shape` already running `existing` pods (each `{cpu, memory, extra}`). */
function node(shape: NodeShape = {}, ...existing: Pod[]): NodeInfo {
  return nodeInfos([makeNode('n', shape)], existing.map((p) => ({ ...p, spec: { ...p.spec, nodeName: 'n' } })))[0]!;
}

function filter(plugin: NodeResourcesFit, pod: Pod, n: NodeInfo) {
  const state = new CycleState();
  const info = new PodInfo(pod);
  plugin.preFilter(state, info);
  return plugin.filter(state, info, n);
}

function score(plugin: NodeResourcesFit, pod: Pod, n: NodeInfo): number {
  const state = new CycleState();
  const info = new PodInfo(pod);
  plugin.preScore(state, info);
  return plugin.score(state, info, n);
}

describe('NodeResourcesFit filter', () => {
  const plugin = fit();

  it('passes a pod that fits and rejects one that does not, as Unschedulable (preemption may help)', () => {
    expect(filter(plugin, makePod('p', { cpu: '1', memory: '1Gi' }), node({}, makePod('a', { cpu: '3' })))).toBeUndefined();
    const s = filter(plugin, makePod('p', { cpu: '1' }), node({}, makePod('a', { cpu: '3500m' })));
    expect(s?.code).toBe('Unschedulable');
    expect(s?.reasons).toEqual(['Insufficient cpu']);
  });

  it('reports every shortfall of a node at once', () => {
    const full = node({ pods: 1 }, makePod('a', { cpu: '3', memory: '15Gi' }));
    expect(filter(plugin, makePod('p', { cpu: '2', memory: '2Gi' }), full)?.reasons)
      .toEqual(['Too many pods', 'Insufficient cpu', 'Insufficient memory']);
    const disk = node({ extra: { 'ephemeral-storage': '10Gi' } });
    expect(filter(plugin, makePod('p', { extra: { 'ephemeral-storage': '20Gi' } }), disk)?.reasons).toEqual(['Insufficient ephemeral-storage']);
  });

  it('checks extended resources by name', () => {
    const gpuNode = node({ extra: { 'example.com/gpu': '1' } });
    expect(filter(plugin, makePod('p', { extra: { 'example.com/gpu': '1' } }), gpuNode)).toBeUndefined();
    expect(filter(plugin, makePod('p', { extra: { 'example.com/gpu': '2' } }), gpuNode)?.reasons).toEqual(['Insufficient example.com/gpu']);
    expect(filter(plugin, makePod('p', { cpu: '8', extra: { 'example.com/gpu': '1' } }), node())?.reasons)
      .toEqual(['Insufficient cpu', 'Insufficient example.com/gpu']);
  });

  it('skips extended resources named in ignoredResources or ignoredResourceGroups', () => {
    const pod = makePod('p', { extra: { 'example.com/gpu': '1' } });
    expect(filter(fit({ ignoredResources: ['example.com/gpu'] }), pod, node())).toBeUndefined();
    expect(filter(fit({ ignoredResourceGroups: ['example.com'] }), pod, node())).toBeUndefined();
    expect(filter(fit({ ignoredResourceGroups: ['other.io'] }), pod, node())?.reasons).toEqual(['Insufficient example.com/gpu']);
  });

  it('checks only the pod count for a pod requesting nothing', () => {
    const busy = node({ pods: 2 }, makePod('a', { cpu: '4', memory: '16Gi' }));
    expect(filter(plugin, makePod('p'), busy)).toBeUndefined();
    expect(filter(plugin, makePod('p'), node({ pods: 1 }, makePod('a')))?.reasons).toEqual(['Too many pods']);
  });

  it('counts an init container that needs more than the app containers', () => {
    const pod = makePod('p', { cpu: '1', initContainers: [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '5' } } }] });
    expect(filter(plugin, pod, node())?.reasons).toEqual(['Insufficient cpu']);
  });
});

describe('NodeResourcesFit score', () => {
  const pod = makePod('p', { cpu: '1', memory: '4Gi' });
  const empty = node();
  const half = node({}, makePod('a', { cpu: '2', memory: '8Gi' }));

  it('LeastAllocated (default) scores the free fraction after placing the pod', () => {
    expect(score(fit(), pod, empty)).toBe(75);
    expect(score(fit(), pod, half)).toBe(25);
  });

  it('MostAllocated scores the used fraction, packing pods', () => {
    const most = fit({ scoringStrategy: { type: 'MostAllocated' } });
    expect(score(most, pod, empty)).toBe(25);
    expect(score(most, pod, half)).toBe(75);
  });

  it('weights resources', () => {
    const cpuHeavy = fit({ scoringStrategy: { resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }] } });
    // cpu: 25 free; memory: (16Gi - 5Gi) / 16Gi = 68; (25*3 + 68) / 4
    expect(score(cpuHeavy, pod, node({}, makePod('a', { cpu: '2', memory: '1Gi' })))).toBe(35);
  });

  it('counts pods without requests at the kubelet defaults (100m cpu, 200Mi memory)', () => {
    expect(score(fit(), makePod('p'), empty)).toBe(97);
    expect(score(fit({ scoringStrategy: { type: 'MostAllocated' } }), makePod('p'), empty)).toBe(1);
  });

  it('RequestedToCapacityRatio follows the shape (scores 0..10 scaled to 0..100)', () => {
    const packing = fit({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } });
    expect(score(packing, pod, empty)).toBe(25);
    const peak = fit({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 50, score: 10 }, { utilization: 100, score: 0 }] } } });
    expect(score(peak, makePod('p', { cpu: '2', memory: '8Gi' }), empty)).toBe(100);
    expect(score(peak, pod, half)).toBe(50);
  });

  it('scores an extended resource only for pods that request it', () => {
    const withGpu = fit({ scoringStrategy: { resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'example.com/gpu', weight: 2 }] } });
    const gpuNode = node({ extra: { 'example.com/gpu': '2' } });
    // cpu 75, memory 75, gpu 50 (weight 2): (75 + 75 + 100) / 4
    expect(score(withGpu, makePod('p', { cpu: '1', memory: '4Gi', extra: { 'example.com/gpu': '1' } }), gpuNode)).toBe(62);
    expect(score(withGpu, pod, gpuNode)).toBe(75);
  });

  it('re-tries rejected pods when capacity may have appeared', () => {
    expect(fit().requeueOn).toEqual(expect.arrayContaining(['NodeAdd', 'NodeAllocatableChange', 'AssignedPodDelete']));
  });
});

describe('NodeResourcesFit args', () => {
  it.each([
    [{ scoringStratgy: {} }, /NodeResourcesFit: scoringStratgy: unknown field/],
    [{ scoringStrategy: { type: 'Spread' } }, /scoringStrategy.type: "Spread" is not supported: use one of LeastAllocated/],
    [{ scoringStrategy: { resources: [{ name: 'cpu', weight: 0 }] } }, /scoringStrategy.resources\[0\].weight: must be an integer in \[1, 100\]/],
    [{ scoringStrategy: { resources: [{ name: 'cpu', weight: 101 }] } }, /weight: must be an integer in \[1, 100\]/],
    [{ scoringStrategy: { resources: [{ name: 'gpu' }] } }, /resources\[0\].name: unknown resource "gpu"/],
    [{ scoringStrategy: { resources: [{ name: 'cpu' }, { name: 'cpu' }] } }, /resources\[1\].name: cpu is listed twice/],
    [{ scoringStrategy: { type: 'RequestedToCapacityRatio' } }, /requestedToCapacityRatio: is required/],
    [{ scoringStrategy: { requestedToCapacityRatio: { shape: [] } } }, /only applies to type RequestedToCapacityRatio/],
    [{ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 50, score: 1 }, { utilization: 50, score: 2 }] } } },
      /shape\[1\].utilization: points must be sorted/],
    [{ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 50, score: 11 }] } } },
      /shape\[0\].score: must be an integer in \[0, 10\]/],
    [{ ignoredResourceGroups: ['example.com/gpu'] }, /ignoredResourceGroups\[0\]: "example.com\/gpu": give the prefix only/],
    [{ ignoredResources: 'example.com/gpu' }, /ignoredResources: must be a list of strings/],
  ])('rejects %j', (args, message) => {
    expect(() => fit(args as Args)).toThrow(message);
  });

  it('accepts kube-scheduler style args with apiVersion/kind', () => {
    expect(fit({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'NodeResourcesFitArgs', ignoredResources: ['example.com/gpu'] }).args.ignoredResources)
      .toEqual(new Set(['example.com/gpu']));
  });
});
