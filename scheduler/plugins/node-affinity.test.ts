import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { CycleState } from '../framework/cycle-state.js';
import type { NodeAffinity as NodeAffinitySpec } from '../framework/node-selector.js';
import { PodInfo } from '../framework/pod-info.js';
import type { MaybeStatus, Status } from '../framework/status.js';
import type { FrameworkHandle, NodeScore, PreFilterResult } from '../framework/types.js';
import { makeNode, makePod, nodeInfos } from '../testing/builders.js';
import type { Args } from './args.js';
import { ERR_REASON_CONFLICT, ERR_REASON_ENFORCED, ERR_REASON_POD, NodeAffinity, nodeAffinityFactory } from './node-affinity.js';

// NodeAffinity never uses the handle.
const handle = {} as FrameworkHandle;
const plugin = (args?: Args) => nodeAffinityFactory(args, handle) as NodeAffinity;

const nodes = nodeInfos([
  makeNode('a1', { labels: { zone: 'a', disk: 'ssd' } }),
  makeNode('a2', { labels: { zone: 'a' } }),
  makeNode('b1', { labels: { zone: 'b', disk: 'ssd' } }),
]);

const withAffinity = (nodeAffinity: NodeAffinitySpec, extra: Parameters<typeof makePod>[1] = {}) =>
  makePod('p', { ...extra, affinity: { nodeAffinity } });

/** PreFilter's answer, and each node's Filter verdict (undefined = passes). */
function run(p: NodeAffinity, pod: Pod): { pre: MaybeStatus | PreFilterResult; verdicts: Record<string, string[] | undefined> } {
  const state = new CycleState();
  const info = new PodInfo(pod);
  const pre = p.preFilter(state, info);
  const verdicts = Object.fromEntries(nodes.map((n) => [n.name, p.filter(state, info, n)?.reasons as string[] | undefined]));
  return { pre, verdicts };
}

const required = (...terms: object[]): NodeAffinitySpec => ({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } });
const names = (...values: string[]) => ({ matchFields: [{ key: 'metadata.name', operator: 'In', values }] });

describe('NodeAffinity filter', () => {
  it('requires the nodeSelector labels, rejecting others as unresolvable', () => {
    const { verdicts } = run(plugin(), makePod('p', { nodeSelector: { zone: 'a' } }));
    expect(verdicts).toEqual({ a1: undefined, a2: undefined, b1: [ERR_REASON_POD] });
    expect(ERR_REASON_POD).toBe("node(s) didn't match Pod's node affinity/selector");
    const status = plugin().filter(new CycleState(), new PodInfo(makePod('p', { nodeSelector: { zone: 'c' } })), nodes[0]!);
    expect(status?.code).toBe('UnschedulableAndUnresolvable');
  });

  it('ORs required terms and ANDs them with the nodeSelector', () => {
    const pod = withAffinity(required(
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
      { matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] },
    ));
    expect(run(plugin(), pod).verdicts).toEqual({ a1: [ERR_REASON_POD], a2: undefined, b1: undefined });
    const both = withAffinity(required({ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }), { nodeSelector: { zone: 'a' } });
    expect(run(plugin(), both).verdicts).toEqual({ a1: undefined, a2: [ERR_REASON_POD], b1: [ERR_REASON_POD] });
  });

  it('skips pods with no node constraint', () => {
    expect((run(plugin(), makePod('p')).pre as Status).code).toBe('Skip');
  });

  it('narrows PreFilter to the nodes named by metadata.name when every term names some', () => {
    expect((run(plugin(), withAffinity(required(names('a1'), names('b1', 'zz')))).pre as PreFilterResult).nodeNames)
      .toEqual(new Set(['a1', 'b1', 'zz']));
    const intersect = { matchFields: [...names('a1', 'a2').matchFields, ...names('a2', 'b1').matchFields] };
    expect((run(plugin(), withAffinity(required(intersect))).pre as PreFilterResult).nodeNames).toEqual(new Set(['a2']));
    expect(run(plugin(), withAffinity(required(names('a1'), { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }))).pre)
      .toBeUndefined();
    const excluded = { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['a1'] }] };
    expect(run(plugin(), withAffinity(required(excluded))).pre).toBeUndefined();
    const conflict = { matchFields: [...names('a1').matchFields, ...names('b1').matchFields] };
    const pre = run(plugin(), withAffinity(required(conflict))).pre as Status;
    expect([pre.code, pre.reasons]).toEqual(['UnschedulableAndUnresolvable', [ERR_REASON_CONFLICT]]);
  });

  it('applies the profile\'s addedAffinity to every pod, with its own reason', () => {
    const pool = plugin({ addedAffinity: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }) });
    const { pre, verdicts } = run(pool, makePod('p'));
    expect(pre).toBeUndefined();
    expect(verdicts).toEqual({ a1: undefined, a2: undefined, b1: [ERR_REASON_ENFORCED] });
    expect(ERR_REASON_ENFORCED).toBe("node(s) didn't match scheduler-enforced node affinity");
    expect(run(pool, makePod('p', { nodeSelector: { disk: 'ssd' } })).verdicts).toEqual({ a1: undefined, a2: [ERR_REASON_POD], b1: [ERR_REASON_ENFORCED] });
  });
});

describe('NodeAffinity score', () => {
  const preferred = (weight: number, key: string, value: string) =>
    ({ weight, preference: { matchExpressions: [{ key, operator: 'In', values: [value] }] } });

  function scores(p: NodeAffinity, pod: Pod): { raw: number[]; normalized: number[] } | 'Skip' {
    const state = new CycleState();
    const info = new PodInfo(pod);
    if (p.preScore(state, info)?.code === 'Skip') return 'Skip';
    const list: NodeScore[] = nodes.map((n) => ({ name: n.name, score: p.score(state, info, n) }));
    const raw = list.map((s) => s.score);
    p.normalizeScore(state, info, list);
    return { raw, normalized: list.map((s) => s.score) };
  }

  it('sums the weights of matching preferred terms and scales the best node to 100', () => {
    const pod = withAffinity({ preferredDuringSchedulingIgnoredDuringExecution: [preferred(10, 'zone', 'a'), preferred(30, 'disk', 'ssd')] });
    expect(scores(plugin(), pod)).toEqual({ raw: [40, 10, 30], normalized: [100, 25, 75] });
  });

  it('adds the profile\'s preferred terms, and skips pods with none', () => {
    expect(scores(plugin(), makePod('p'))).toBe('Skip');
    const p = plugin({ addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(5, 'zone', 'b')] } });
    expect(scores(p, makePod('p'))).toEqual({ raw: [0, 0, 5], normalized: [0, 0, 100] });
  });

  it('re-tries rejected pods on node add and label change', () => {
    expect(plugin().requeueOn).toEqual(expect.arrayContaining(['NodeAdd', 'NodeLabelChange']));
  });
});

describe('NodeAffinity args', () => {
  const req = (term: object) => ({ addedAffinity: required(term) });
  it.each([
    [{ addedAffinty: {} }, /NodeAffinity: addedAffinty: unknown field/],
    [{ addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }, /nodeSelectorTerms: must list at least one term/],
    [req({}), /nodeSelectorTerms\[0\]: an empty term matches no node/],
    [req({ matchExpressions: [{ key: 'zone', operator: 'Equals', values: ['a'] }] }), /matchExpressions\[0\].operator: must be one of In, NotIn/],
    [req({ matchExpressions: [{ key: 'zone', operator: 'In' }] }), /matchExpressions\[0\]: .*values set can't be empty/],
    [req({ matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['x'] }] }), /matchFields\[0\].key: only metadata.name is supported/],
    [{ addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: { matchFields: [names('a').matchFields[0]] } }] } },
      /preferredDuringSchedulingIgnoredDuringExecution\[0\].weight: must be an integer in \[1, 100\]/],
    [{ addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }] } }, /\[0\].preference: must be a term/],
  ])('rejects %j', (args, message) => {
    expect(() => plugin(args as Args)).toThrow(message);
  });
});
