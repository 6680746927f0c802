import { describe, expect, it } from '@jest/globals';
import type { NetworkPolicy } from '../../api/types/network-policy.js';
import type { Pod } from '../../api/types/core.js';
import { compilePolicies } from './compile.js';
import { renderFull, renderUpdate } from './render.js';
import { emptyRuleset } from './ruleset.js';
import { PolicySyncer } from './syncer.js';
import { FakeNft } from './testing/fake-nft.js';
import { namespace, pod, policy } from './testing/fixtures.js';

const db = pod({ name: 'db', node: 'n1', ip: '10.244.1.10', labels: { app: 'db' } });
const frontend = pod({ name: 'frontend', node: 'n1', ip: '10.244.1.11', labels: { role: 'frontend' } });
const allowFrontend = policy('allow-frontend', {
  podSelector: { matchLabels: { app: 'db' } },
  ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
});
const compile = (policies: NetworkPolicy[], pods: Pod[]) => compilePolicies({ nodeName: 'n1', policies, pods, namespaces: [namespace('default')] });

describe('renderFull', () => {
  it('accepts established traffic before any pod chain and dispatches by pod address', () => {
    const lines = renderFull(compile([allowFrontend], [db, frontend]));
    const established = lines.indexOf('add rule inet cairn-policy forward ct state established,related accept');
    expect(established).toBeGreaterThan(lines.indexOf('add chain inet cairn-policy forward { type filter hook forward priority filter; policy accept; }'));
    expect(established).toBeLessThan(lines.indexOf('add rule inet cairn-policy forward ip daddr vmap @ingress-pods'));
    expect(lines.slice(-6)).toEqual([
      'add set inet cairn-policy from-default.allow-frontend.0 { type ipv4_addr; flags interval; }',
      'add element inet cairn-policy from-default.allow-frontend.0 { 10.244.1.11 }',
      'add chain inet cairn-policy ing-default.db',
      'add rule inet cairn-policy ing-default.db ip saddr @from-default.allow-frontend.0 meta l4proto tcp th dport { 5432 } return',
      'add rule inet cairn-policy ing-default.db drop',
      'add element inet cairn-policy ingress-pods { 10.244.1.10 : jump ing-default.db }',
    ]);
  });
});

describe('renderUpdate', () => {
  const before = compile([allowFrontend], [db, frontend]);

  it('changes nothing when nothing changed', () => {
    expect(renderUpdate(before, compile([allowFrontend], [db, frontend]))).toEqual([]);
  });

  it('rewrites only the peer set when a peer pod comes and goes', () => {
    const frontend2 = pod({ name: 'frontend-2', node: 'n2', ip: '10.244.2.20', labels: { role: 'frontend' } });
    expect(renderUpdate(before, compile([allowFrontend], [db, frontend, frontend2]))).toEqual([
      'flush set inet cairn-policy from-default.allow-frontend.0',
      'add element inet cairn-policy from-default.allow-frontend.0 { 10.244.1.11, 10.244.2.20 }',
    ]);
  });

  it('removes the chain, its dispatch entry and its set when the policy goes', () => {
    expect(renderUpdate(before, compile([], [db, frontend]))).toEqual([
      'delete element inet cairn-policy ingress-pods { 10.244.1.10 }',
      'flush chain inet cairn-policy ing-default.db',
      'delete chain inet cairn-policy ing-default.db',
      'delete set inet cairn-policy from-default.allow-frontend.0',
    ]);
  });

  it('rewrites a chain in place when its rules change and repoints a moved address', () => {
    const moved = pod({ name: 'db', node: 'n1', ip: '10.244.1.99', labels: { app: 'db' } });
    const deny = policy('allow-frontend', { podSelector: { matchLabels: { app: 'db' } } });
    expect(renderUpdate(before, compile([deny], [moved, frontend]))).toEqual([
      'flush chain inet cairn-policy ing-default.db',
      'add rule inet cairn-policy ing-default.db drop',
      'delete element inet cairn-policy ingress-pods { 10.244.1.10 }',
      'add element inet cairn-policy ingress-pods { 10.244.1.99 : jump ing-default.db }',
      'delete set inet cairn-policy from-default.allow-frontend.0',
    ]);
  });
});

describe('PolicySyncer', () => {
  it('replaces the table first, then sends differences only, and rebuilds after a failed transaction', async () => {
    const nft = new FakeNft();
    const syncer = new PolicySyncer(nft);
    const ruleset = compile([allowFrontend], [db, frontend]);
    await syncer.sync(ruleset);
    expect(nft.scripts[0]).toMatch(/^add table inet cairn-policy\ndelete table inet cairn-policy\n/);
    expect(await syncer.sync(compile([allowFrontend], [db, frontend]))).toEqual([]);
    expect(nft.scripts).toHaveLength(1);

    nft.failNext = true;
    await expect(syncer.sync(emptyRuleset())).rejects.toThrow('transaction refused');
    await syncer.sync(emptyRuleset());
    expect(nft.scripts[1]).toMatch(/^add table inet cairn-policy\ndelete table inet cairn-policy\n/);
  });
});
