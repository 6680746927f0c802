import { describe, expect, it } from '@jest/globals';
import { buildFramework } from '../config/build-profile.js';
import { defaultConfig } from '../config/scheduler-config.js';
import { CycleState } from '../framework/cycle-state.js';
import { PodNominator } from '../framework/nominator.js';
import { PodInfo } from '../framework/pod-info.js';
import type { SchedulerApi } from '../framework/types.js';
import { makeNode, makePod, snapshotFor } from '../testing/builders.js';
import { DEFAULT_PLUGINS, pluginRegistry } from './registry.js';
import { pickCandidate, selectVictimsOnNode } from './default-preemption.js';

const noApi: SchedulerApi = { bind: async () => {}, evict: async () => {}, nominate: async () => {} };

function setup(pods: ReturnType<typeof makePod>[]) {
  const snapshot = snapshotFor([makeNode('n1', { cpu: '4' })], pods);
  const fwk = buildFramework(defaultConfig().profiles[0]!, pluginRegistry, DEFAULT_PLUGINS, { snapshot: () => snapshot, api: noApi, nominator: new PodNominator() }, 0, () => []);
  return { snapshot, fwk };
}

const onN1 = (name: string, cpu: string, priority: number, createdAt = '2026-01-01T00:00:00Z') => makePod(name, { cpu, priority, nodeName: 'n1', createdAt });

describe('DefaultPreemption', () => {
  it('evicts the fewest, lowest-priority pods and reprieves the rest', () => {
    const { snapshot, fwk } = setup([onN1('low-a', '1', 1), onN1('low-b', '1', 2), onN1('mid', '2', 50)]);
    const preemptor = new PodInfo(makePod('urgent', { cpu: '1', priority: 100 }));
    const state = new CycleState();
    fwk.runPreFilter(state, preemptor, snapshot);
    const victims = selectVictimsOnNode(fwk, state, preemptor, snapshot.get('n1')!);
    // Removing the lowest-priority 1-cpu pod is enough; the higher ones are reprieved first.
    expect(victims?.map((v) => v.key)).toEqual(['default/low-a']);
    // The dry run left the real node untouched.
    expect(snapshot.get('n1')!.pods.size).toBe(3);
  });

  it('finds no victims when only equal or higher priority pods hold the room', () => {
    const { snapshot, fwk } = setup([onN1('peer', '4', 100)]);
    const preemptor = new PodInfo(makePod('urgent', { cpu: '1', priority: 100 }));
    const state = new CycleState();
    fwk.runPreFilter(state, preemptor, snapshot);
    expect(selectVictimsOnNode(fwk, state, preemptor, snapshot.get('n1')!)).toBeUndefined();
  });

  it('prefers the node whose most important victim matters least, then fewer victims', () => {
    const v = (name: string, priority: number) => new PodInfo(makePod(name, { priority }));
    const best = pickCandidate([
      { node: 'a', victims: [v('a1', 10)] },
      { node: 'b', victims: [v('b1', 1), v('b2', 1)] },
      { node: 'c', victims: [v('c1', 1)] },
    ]);
    expect(best?.node).toBe('c');
  });
});
