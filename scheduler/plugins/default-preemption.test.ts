import { describe, expect, it } from '@jest/globals';
import { buildFramework } from '../config/build-profile.js';
import { defaultConfig } from '../config/scheduler-config.js';
import { CycleState } from '../framework/cycle-state.js';
import { PodNominator } from '../framework/nominator.js';
import { PodInfo } from '../framework/pod-info.js';
import type { SchedulerApi } from '../framework/types.js';
import type { PodDisruptionBudget } from '../../api/types/policy.js';
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
    const found = selectVictimsOnNode(fwk, state, preemptor, snapshot.get('n1')!);
    // Removing the lowest-priority 1-cpu pod is enough; the higher ones are reprieved first.
    expect(found?.victims.map((v) => v.key)).toEqual(['default/low-a']);
    expect(found?.pdbViolations).toBe(0);
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
      { node: 'a', victims: [v('a1', 10)], pdbViolations: 0 },
      { node: 'b', victims: [v('b1', 1), v('b2', 1)], pdbViolations: 0 },
      { node: 'c', victims: [v('c1', 1)], pdbViolations: 0 },
    ]);
    expect(best?.node).toBe('c');
  });

  it('prefers a node whose victims break fewer PodDisruptionBudgets over one with less important victims', () => {
    const v = (name: string, priority: number) => new PodInfo(makePod(name, { priority }));
    const best = pickCandidate([
      { node: 'cheap-but-protected', victims: [v('a1', 1)], pdbViolations: 1 },
      { node: 'dearer', victims: [v('b1', 10)], pdbViolations: 0 },
    ]);
    expect(best?.node).toBe('dearer');
  });

  it('evicts pods a budget protects only when nothing else makes room, spending the allowed disruptions first', () => {
    const labelled = (name: string, cpu: string, priority: number, app: string) => makePod(name, { cpu, priority, nodeName: 'n1', labels: { app } });
    // Two 1-cpu pods of app=db (budget allows 1 disruption) and one 1-cpu app=web pod, all the same priority.
    const { snapshot, fwk } = setup([labelled('db-1', '1', 1, 'db'), labelled('db-2', '1', 1, 'db'), labelled('web-1', '1', 1, 'web')]);
    const budget: PodDisruptionBudget = {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'db' } }, minAvailable: 1 },
      status: { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 },
    };
    const run = (cpu: string) => {
      const preemptor = new PodInfo(makePod('urgent', { cpu, priority: 100 }));
      const state = new CycleState();
      fwk.runPreFilter(state, preemptor, snapshot);
      return selectVictimsOnNode(fwk, state, preemptor, snapshot.get('n1')!, [budget]);
    };
    // The node has 4 cpu, 1 free. For 3 cpu two pods go: the budget's one allowed db pod and the web pod; the
    // protected db pod is reprieved first and stays.
    const three = run('3');
    expect(three?.victims.map((p) => p.key).sort()).toEqual(['default/db-1', 'default/web-1']);
    expect(three?.pdbViolations).toBe(0);
    // For 4 cpu every pod must go, one of them against the budget.
    const four = run('4');
    expect(four?.victims).toHaveLength(3);
    expect(four?.pdbViolations).toBe(1);
  });
});
