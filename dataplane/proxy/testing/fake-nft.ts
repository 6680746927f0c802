/**
 * A fake nft that keeps the table's chain names, rule counts, set names and map elements, and enforces
 * the rules a real transaction would (no deleting a chain that still has rules, no deleting a missing
 * element, no second value for a key), all or nothing per script.
 */
import type { NftRunner } from '../../nft-runner.js';
import { TABLE } from '../types.js';
import type { StateView } from './resolve.js';

interface FakeTable { chains: Map<string, string[]>; sets: Set<string>; elements: Map<string, string> }

function clone(t: FakeTable): FakeTable {
  return { chains: new Map([...t.chains].map(([k, v]) => [k, [...v]])), sets: new Set(t.sets), elements: new Map(t.elements) };
}

export class FakeNft implements NftRunner {
  state: FakeTable = { chains: new Map(), sets: new Set(), elements: new Map() };
  readonly scripts: string[] = [];
  /** Makes the next apply fail (and change nothing). */
  failNext = false;

  async apply(script: string): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('fake nft: injected failure');
    }
    const t = clone(this.state);
    for (const line of script.split('\n').filter(Boolean)) this.exec(t, line);
    this.state = t;
    this.scripts.push(script);
  }

  async json(args: string[]): Promise<unknown> {
    const what = args[args.length - 2];
    const objects = what === 'chains'
      ? [...this.state.chains.keys()].map((name) => ({ chain: { table: TABLE, name } }))
      : [...this.state.sets].map((name) => ({ set: { table: TABLE, name } }));
    return { nftables: [{ metainfo: {} }, ...objects] };
  }

  /** Rules of a chain as written. */
  rules(chain: string): string[] | undefined {
    return this.state.chains.get(chain);
  }

  private exec(t: FakeTable, line: string): void {
    const m = /^(add|flush|delete) (table|chain|rule|set|map|element) ip \S+ ?(\S*) ?(.*)$/.exec(line);
    if (!m) throw new Error(`fake nft: cannot parse: ${line}`);
    const [, verb, what, name, rest] = m as unknown as [string, string, string, string, string];
    const fail = (why: string): never => { throw new Error(`fake nft: ${why}: ${line}`); };
    if (what === 'table' || what === 'map' && verb === 'add') return;
    if (what === 'chain') {
      if (verb === 'add') { if (!t.chains.has(name)) t.chains.set(name, []); return; }
      const rules = t.chains.get(name) ?? fail('no such chain');
      if (verb === 'flush') t.chains.set(name, []);
      else if (rules.length) fail('chain not empty');
      else t.chains.delete(name);
      return;
    }
    const checkTargets = (text: string): void => {
      for (const [, target] of text.matchAll(/(?:goto|jump) ([^\s,}]+)/g)) if (!t.chains.has(target!)) fail(`no such chain ${target}`);
    };
    if (what === 'rule') {
      checkTargets(rest);
      (t.chains.get(name) ?? fail('no such chain')).push(rest);
      return;
    }
    if (what === 'map' || what === 'set' && verb === 'flush') {
      for (const k of [...t.elements.keys()]) if (k.startsWith(`${name} `)) t.elements.delete(k);
      return;
    }
    if (what === 'set') {
      if (verb === 'add') t.sets.add(name);
      else if (!t.sets.delete(name)) fail('no such set');
      return;
    }
    const body = /^\{ (.*) \}$/.exec(rest) ?? fail('bad element');
    for (const item of body[1]!.split(', ')) {
      const [key, value = ''] = item.split(' : ');
      const id = `${name} ${key}`;
      if (verb === 'delete') {
        if (!t.elements.delete(id)) fail(`no such element ${id}`);
        continue;
      }
      checkTargets(value);
      const old = t.elements.get(id);
      if (old !== undefined && old !== value) fail(`element ${id} exists with another value`);
      t.elements.set(id, value);
    }
  }

  /** The state as the resolver reads it. */
  view(): StateView {
    return { chains: this.state.chains, element: (map, key) => this.state.elements.get(`${map} ${key}`) };
  }
}
