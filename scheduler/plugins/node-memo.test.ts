import { describe, expect, it } from '@jest/globals';
import type { NodeInfo } from '../framework/node-info.js';
import { PodInfo } from '../framework/pod-info.js';
import { makeNode, makePod, nodeInfos } from '../testing/builders.js';
import { NodeMemo } from './node-memo.js';

describe('NodeMemo', () => {
  const counting = () => {
    const calls: string[] = [];
    return { calls, compute: (n: NodeInfo) => (calls.push(n.name), n.pods.size) };
  };

  it('recomputes a node only after it changed or was replaced by another NodeInfo', () => {
    const [n1, n2] = nodeInfos([makeNode('n1'), makeNode('n2')], [makePod('p', { nodeName: 'n1' })]);
    const { calls, compute } = counting();
    const table = new NodeMemo<number>().table('k', compute);
    expect([table.get(n1!), table.get(n2!), table.get(n1!)]).toEqual([1, 0, 1]);
    expect(calls).toEqual(['n1', 'n2']);
    n2!.addPod(new PodInfo(makePod('q', { nodeName: 'n2' })));
    expect(table.get(n2!)).toBe(1);
    expect(table.get(n1!.clone())).toBe(1);
    expect(calls).toEqual(['n1', 'n2', 'n2', 'n1']);
  });

  it('keeps one table per key and drops the least recently used beyond the limit', () => {
    const [n1] = nodeInfos([makeNode('n1')]);
    const memo = new NodeMemo<number>(2);
    const { calls, compute } = counting();
    memo.table('a', compute).get(n1!);
    memo.table('b', compute).get(n1!);
    memo.table('a', compute).get(n1!);
    memo.table('c', compute).get(n1!); // evicts b, the least recently used
    memo.table('a', compute).get(n1!);
    memo.table('b', compute).get(n1!);
    expect(calls).toEqual(['n1', 'n1', 'n1', 'n1']);
  });

  it('forgets everything once it remembers far more nodes than exist', () => {
    const infos = nodeInfos(Array.from({ length: 70 }, (_, i) => makeNode(`n${i}`)));
    const table = new NodeMemo<number>().table('k', (n) => n.pods.size);
    for (const n of infos) table.get(n);
    table.trim(70);
    expect(table.size).toBe(70);
    table.trim(2);
    expect(table.size).toBe(0);
  });
});
