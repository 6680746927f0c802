import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../../api/types/core.js';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { PluginArgsError, type FrameworkHandle } from '../framework/types.js';
import { makeNode, makePod, snapshotFor } from '../testing/builders.js';
import {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
} from './inter-pod-affinity-filtering.js';
import { InterPodAffinity, interPodAffinityArgs, interPodAffinityFactory, INTER_POD_AFFINITY } from './inter-pod-affinity.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

type Term = { labelSelector?: { matchLabels: Record<string, string> }; topologyKey: string; namespaces?: string[]; namespaceSelector?: { matchLabels?: Record<string, string> } };
const term = (app: string, topologyKey: string, extra: Partial<Term> = {}): Term => ({ labelSelector: { matchLabels: { app } }, topologyKey, ...extra });
const affinity = (...terms: Term[]) => ({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } });
const antiAffinity = (...terms: Term[]) => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } });

// Zone a: n1, n2; zone b: n3; n4 has no zone label.
const nodes = () => [
  makeNode('n1', { labels: { [ZONE]: 'a' } }),
  makeNode('n2', { labels: { [ZONE]: 'a' } }),
  makeNode('n3', { labels: { [ZONE]: 'b' } }),
  makeNode('n4'),
];

function plugin(snap: Snapshot, args?: Record<string, unknown>): InterPodAffinity {
  return new InterPodAffinity(interPodAffinityArgs(args), { snapshot: () => snap });
}

/** PreFilter then Filter on every node: node → 'ok' / '<code>: <reason>', or {skip: 'skip'} when PreFilter skips. */
function verdicts(snap: Snapshot, pod: Pod, pl = plugin(snap)): Record<string, string> {
  const state = new CycleState();
  const info = new PodInfo(pod);
  const pre = pl.preFilter(state, info, snap);
  if (pre?.code === 'Skip') return { skip: 'skip' };
  expect(pre).toBeUndefined();
  const out: Record<string, string> = {};
  for (const n of snap.nodes) {
    const s = pl.filter(state, info, n);
    out[n.name] = s ? `${s.code}: ${s.message()}` : 'ok';
  }
  return out;
}

const AFF = `UnschedulableAndUnresolvable: ${ERR_REASON_AFFINITY_RULES_NOT_MATCH}`;
const ANTI = `Unschedulable: ${ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH}`;
const EXISTING = `Unschedulable: ${ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH}`;

describe('InterPodAffinity filter', () => {
  it('skips pods without terms when no existing pod is against them', () => {
    const snap = snapshotFor(nodes(), [makePod('db', { labels: { app: 'db' }, nodeName: 'n1' })]);
    expect(verdicts(snap, makePod('web', { labels: { app: 'web' } }))).toEqual({ skip: 'skip' });
  });

  it('lets the first pod of a self-affine group start anywhere with the topology key', () => {
    const snap = snapshotFor(nodes());
    const pod = makePod('web-0', { labels: { app: 'web' }, affinity: affinity(term('web', ZONE)) });
    expect(verdicts(snap, pod)).toEqual({ n1: 'ok', n2: 'ok', n3: 'ok', n4: AFF });
  });

  it('does not apply the first-pod rule to a pod that does not match its own terms', () => {
    const snap = snapshotFor(nodes());
    const pod = makePod('web-0', { labels: { app: 'web' }, affinity: affinity(term('cache', ZONE)) });
    expect(verdicts(snap, pod)).toEqual({ n1: AFF, n2: AFF, n3: AFF, n4: AFF });
  });

  it('requires a matching pod in the same zone once one exists', () => {
    const snap = snapshotFor(nodes(), [makePod('web-0', { labels: { app: 'web' }, nodeName: 'n3' })]);
    const pod = makePod('web-1', { labels: { app: 'web' }, affinity: affinity(term('web', ZONE)) });
    expect(verdicts(snap, pod)).toEqual({ n1: AFF, n2: AFF, n3: 'ok', n4: AFF });
  });

  it('rejects the whole zone for zone anti-affinity and only the node for hostname anti-affinity', () => {
    const snap = snapshotFor(nodes(), [makePod('db-0', { labels: { app: 'db' }, nodeName: 'n1' })]);
    const byZone = makePod('web', { labels: { app: 'web' }, affinity: antiAffinity(term('db', ZONE)) });
    expect(verdicts(snap, byZone)).toEqual({ n1: ANTI, n2: ANTI, n3: 'ok', n4: 'ok' });
    const byHost = makePod('web', { labels: { app: 'web' }, affinity: antiAffinity(term('db', HOST)) });
    expect(verdicts(snap, byHost)).toEqual({ n1: ANTI, n2: 'ok', n3: 'ok', n4: 'ok' });
  });

  it("honours existing pods' anti-affinity toward the incoming pod", () => {
    const snap = snapshotFor(nodes(), [makePod('db-0', { labels: { app: 'db' }, nodeName: 'n3', affinity: antiAffinity(term('web', ZONE)) })]);
    expect(verdicts(snap, makePod('web', { labels: { app: 'web' } }))).toEqual({ n1: 'ok', n2: 'ok', n3: EXISTING, n4: 'ok' });
    expect(verdicts(snap, makePod('api', { labels: { app: 'api' } }))).toEqual({ skip: 'skip' });
  });

  it('only counts pods in the term namespaces (own namespace by default)', () => {
    const snap = snapshotFor(nodes(), [makePod('db-0', { namespace: 'other', labels: { app: 'db' }, nodeName: 'n1' })]);
    expect(verdicts(snap, makePod('web', { affinity: antiAffinity(term('db', HOST)) }))).toEqual({ n1: 'ok', n2: 'ok', n3: 'ok', n4: 'ok' });
    expect(verdicts(snap, makePod('web', { affinity: antiAffinity(term('db', HOST, { namespaces: ['other'] })) })).n1).toBe(ANTI);
  });

  it('resolves namespaceSelector through the namespaces labels, both ways', () => {
    const pods = [
      makePod('db-a', { namespace: 'team-a', labels: { app: 'db' }, nodeName: 'n1' }),
      makePod('db-b', { namespace: 'team-b', labels: { app: 'db' }, nodeName: 'n2' }),
    ];
    const nsLabels = { default: {}, 'team-a': { team: 'a' }, 'team-b': { team: 'b' } };
    const snap = snapshotFor(nodes(), pods, nsLabels);
    const bySel = makePod('web', { affinity: antiAffinity(term('db', HOST, { namespaceSelector: { matchLabels: { team: 'a' } } })) });
    expect(verdicts(snap, bySel)).toEqual({ n1: ANTI, n2: 'ok', n3: 'ok', n4: 'ok' });
    const everywhere = makePod('web', { affinity: antiAffinity(term('db', HOST, { namespaceSelector: {} })) });
    expect(verdicts(snap, everywhere)).toEqual({ n1: ANTI, n2: ANTI, n3: 'ok', n4: 'ok' });

    // An existing pod whose term selects namespaces labelled team=a repels web pods in team-a only.
    const guard = makePod('guard', { labels: { app: 'guard' }, nodeName: 'n3', affinity: antiAffinity(term('web', HOST, { namespaceSelector: { matchLabels: { team: 'a' } } })) });
    const snap2 = snapshotFor(nodes(), [guard], nsLabels);
    expect(verdicts(snap2, makePod('web', { namespace: 'team-a', labels: { app: 'web' } })).n3).toBe(EXISTING);
    expect(verdicts(snap2, makePod('web', { namespace: 'team-b', labels: { app: 'web' } }))).toEqual({ skip: 'skip' });
  });

  it('addPod/removePod change the verdict on a clone only (preemption dry run)', () => {
    const snap = snapshotFor(nodes(), [makePod('db-0', { labels: { app: 'db' }, nodeName: 'n1' })]);
    const pl = plugin(snap);
    const pod = new PodInfo(makePod('web', { labels: { app: 'web' }, affinity: antiAffinity(term('db', HOST)) }));
    const state = new CycleState();
    pl.preFilter(state, pod, snap);
    const [n1, n2] = snap.nodes;
    const dry = state.clone();
    pl.removePod(dry, pod, n1!.pods.get('default/db-0')!, n1!);
    expect(pl.filter(dry, pod, n1!)).toBeUndefined();
    expect(pl.filter(state, pod, n1!)?.message()).toBe(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);

    pl.addPod(dry, pod, new PodInfo(makePod('db-1', { labels: { app: 'db' }, nodeName: 'n2' })), n2!);
    expect(pl.filter(dry, pod, n2!)?.message()).toBe(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
    expect(pl.filter(state, pod, n2!)).toBeUndefined();

    // A pod whose anti-affinity rejects the incoming pod, added by the dry run.
    pl.addPod(dry, pod, new PodInfo(makePod('guard', { labels: { app: 'guard' }, affinity: antiAffinity(term('web', ZONE)) })), snap.nodes[2]!);
    expect(pl.filter(dry, pod, snap.nodes[2]!)?.message()).toBe(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
  });

  it('sees pods and labels that changed since the previous cycle', () => {
    const snap = snapshotFor(nodes(), [makePod('db-0', { labels: { app: 'db' }, nodeName: 'n1' })]);
    const pl = plugin(snap);
    const pod = makePod('web', { labels: { app: 'web' }, affinity: antiAffinity(term('db', ZONE)) });
    expect(verdicts(snap, pod, pl)).toEqual({ n1: ANTI, n2: ANTI, n3: 'ok', n4: 'ok' });
    snap.nodes[0]!.removePod('default/db-0');
    snap.nodes[2]!.addPod(new PodInfo(makePod('db-1', { labels: { app: 'db' }, nodeName: 'n3' })));
    expect(verdicts(snap, pod, pl)).toEqual({ n1: 'ok', n2: 'ok', n3: ANTI, n4: 'ok' });
    snap.nodes[3]!.setNode(makeNode('n4', { labels: { [ZONE]: 'b' } }));
    expect(verdicts(snap, pod, pl)).toEqual({ n1: 'ok', n2: 'ok', n3: ANTI, n4: ANTI });
  });

  it('errors in Filter when PreFilter did not run', () => {
    const snap = snapshotFor(nodes());
    const s = plugin(snap).filter(new CycleState(), new PodInfo(makePod('p')), snap.nodes[0]!);
    expect(s?.code).toBe('Error');
  });
});

describe('InterPodAffinity args', () => {
  it('defaults hardPodAffinityWeight to 1 and ignorePreferredTermsOfExistingPods to false', () => {
    expect(interPodAffinityArgs(undefined)).toEqual({ hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false });
    expect(interPodAffinityArgs({ hardPodAffinityWeight: 0, ignorePreferredTermsOfExistingPods: true }))
      .toEqual({ hardPodAffinityWeight: 0, ignorePreferredTermsOfExistingPods: true });
  });

  it.each([
    [{ hardPodAffinityWeight: 101 }, 'hardPodAffinityWeight'],
    [{ hardPodAffinityWeight: 1.5 }, 'hardPodAffinityWeight'],
    [{ ignorePreferredTermsOfExistingPods: 'yes' }, 'ignorePreferredTermsOfExistingPods'],
    [{ hardPodAfinityWeight: 2 }, 'hardPodAfinityWeight'],
  ])('rejects %j naming the field', (args, field) => {
    // The factory validates before it touches the handle.
    expect(() => interPodAffinityFactory(args, undefined as unknown as FrameworkHandle)).toThrow(PluginArgsError);
    expect(() => interPodAffinityArgs(args)).toThrow(expect.objectContaining({ plugin: INTER_POD_AFFINITY, field }));
  });
});
