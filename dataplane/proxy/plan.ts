/**
 * Turns a difference between the applied and the desired state into one `nft -f` script (one atomic
 * transaction). The statement order is what nft needs inside a transaction: declare new sets and chains,
 * flush chains being rewritten or removed, delete stale map elements, delete removed chains and sets
 * (now unreferenced), then write rules and add elements.
 */
import { COLLECTION_NAMES, flushCollections, skeletonDeclarations, skeletonRules } from './skeleton.js';
import { FAMILY, TABLE, type MapElement, type ProxyNodeInfo, type ServiceFragment } from './types.js';

const T = `${FAMILY} ${TABLE}`;

export interface FragmentChange { before?: ServiceFragment; after?: ServiceFragment }
export interface ElementChange { before?: MapElement; after?: MapElement }

/** Elements per `add element` / `delete element` statement: one statement per element is several times slower to parse. */
const ELEMENTS_PER_STATEMENT = 1000;

/** A script and what it programs, for the sync metrics. */
export interface Plan { lines: string[]; rules: number; elements: number }

function sameRules(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((r, i) => r === b[i]);
}

function push(m: Map<string, string[]>, key: string, value: string): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

function statements(verb: 'add' | 'delete', elements: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [collection, items] of elements) {
    for (let i = 0; i < items.length; i += ELEMENTS_PER_STATEMENT) {
      out.push(`${verb} element ${T} ${collection} { ${items.slice(i, i + ELEMENTS_PER_STATEMENT).join(', ')} }`);
    }
  }
  return out;
}

class ScriptBuilder {
  readonly declare: string[] = [];
  readonly flush: string[] = [];
  /** Collection name → element texts to delete / add. */
  readonly deleteElements = new Map<string, string[]>();
  readonly remove: string[] = [];
  readonly write: string[] = [];
  readonly addElements = new Map<string, string[]>();
  rules = 0;
  elements = 0;

  rewriteChain(name: string, rules: readonly string[], existed: boolean): void {
    if (existed) this.flush.push(`flush chain ${T} ${name}`);
    else this.declare.push(`add chain ${T} ${name}`);
    for (const r of rules) this.write.push(`add rule ${T} ${name} ${r}`);
    this.rules += rules.length;
  }

  removeChain(name: string): void {
    this.flush.push(`flush chain ${T} ${name}`);
    this.remove.push(`delete chain ${T} ${name}`);
  }

  element(change: ElementChange): void {
    const { before, after } = change;
    if (before && after && before.value === after.value) return;
    if (before) push(this.deleteElements, before.map, before.key);
    if (after) {
      push(this.addElements, after.map, after.value === undefined ? after.key : `${after.key} : ${after.value}`);
      this.elements++;
    }
  }

  plan(): Plan {
    const lines = [...this.declare, ...this.flush, ...statements('delete', this.deleteElements), ...this.remove, ...this.write, ...statements('add', this.addElements)];
    return { lines, rules: this.rules, elements: this.elements };
  }
}

/** An incremental transaction: only the chains, sets and elements that differ. */
export function planIncremental(fragments: Iterable<FragmentChange>, elements: Iterable<ElementChange>): Plan {
  const s = new ScriptBuilder();
  for (const { before, after } of fragments) {
    for (const [name, decl] of after?.sets ?? []) {
      if (before?.sets.get(name) !== decl) s.declare.push(`add set ${T} ${name} { ${decl} }`);
    }
    for (const [name, rules] of after?.chains ?? []) {
      const old = before?.chains.get(name);
      if (!sameRules(old, rules)) s.rewriteChain(name, rules, old !== undefined);
    }
    for (const name of before?.chains.keys() ?? []) if (!after?.chains.has(name)) s.removeChain(name);
    for (const name of before?.sets.keys() ?? []) if (!after?.sets.has(name)) s.remove.push(`delete set ${T} ${name}`);
  }
  for (const e of elements) s.element(e);
  return s.plan();
}

/** What a read-back found in the table. */
export interface ExistingTable { chains: Set<string>; sets: Set<string> }

/**
 * A full transaction that converges whatever the table holds (nothing, a previous run's state, a partial
 * one) to the desired state without a moment in which a service is missing: every chain and map is
 * flushed and rewritten, and anything unknown deleted, in the same transaction. Affinity sets that stay are
 * left alone, so clients keep their endpoint across a proxy restart.
 */
export function planFull(node: ProxyNodeInfo, fragments: Iterable<ServiceFragment>, elements: Iterable<MapElement>, existing: ExistingTable): Plan {
  const s = new ScriptBuilder();
  s.declare.push(...skeletonDeclarations(node));
  s.flush.push(...flushCollections());
  const skeleton = skeletonRules(node);
  for (const [name, rules] of skeleton) s.rewriteChain(name, rules, true);
  const chains = new Set<string>(skeleton.keys());
  const sets = new Set<string>();
  for (const f of fragments) {
    for (const [name, decl] of f.sets) {
      sets.add(name);
      if (!existing.sets.has(name)) s.declare.push(`add set ${T} ${name} { ${decl} }`);
    }
    for (const [name, rules] of f.chains) {
      chains.add(name);
      s.rewriteChain(name, rules, existing.chains.has(name));
    }
  }
  for (const name of existing.chains) if (!chains.has(name)) s.removeChain(name);
  for (const name of existing.sets) if (!sets.has(name) && !COLLECTION_NAMES.has(name)) s.remove.push(`delete set ${T} ${name}`);
  for (const e of elements) s.element({ after: e });
  return s.plan();
}
