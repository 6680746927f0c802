import { describe, expect, it } from '@jest/globals';
import type { NetworkPolicy } from '../../api/types/network-policy.js';
import { compilePolicies, nftName } from './compile.js';
import type { Ruleset } from './ruleset.js';
import { allowed, type Packet } from './testing/evaluate.js';
import { namespace, pod, policy } from './testing/fixtures.js';

const DB = '10.244.1.10';
const FRONTEND = '10.244.1.11';
const OTHER = '10.244.1.12';
const TEAM_A = '10.244.2.5';
const TEAM_B = '10.244.2.6';
const REMOTE_DB = '10.244.2.7';

const pods = [
  pod({ name: 'db', node: 'n1', ip: DB, labels: { app: 'db' }, ports: [{ name: 'postgres', containerPort: 5432 }, { name: 'metrics', containerPort: 9187 }] }),
  pod({ name: 'frontend', node: 'n1', ip: FRONTEND, labels: { role: 'frontend' } }),
  pod({ name: 'other', node: 'n1', ip: OTHER, labels: { role: 'other' } }),
  pod({ name: 'client', namespace: 'team-a', node: 'n2', ip: TEAM_A, labels: { role: 'frontend' } }),
  pod({ name: 'client', namespace: 'team-b', node: 'n2', ip: TEAM_B, labels: { role: 'frontend' } }),
  pod({ name: 'db2', node: 'n2', ip: REMOTE_DB, labels: { app: 'db' }, ports: [{ name: 'postgres', containerPort: 5432 }] }),
  pod({ name: 'starting', node: 'n1', labels: { app: 'db' } }),
];
const namespaces = [namespace('default'), namespace('team-a', { team: 'a' }), namespace('team-b', { team: 'b' })];

function compile(...policies: NetworkPolicy[]): Ruleset {
  return compilePolicies({ nodeName: 'n1', policies, pods, namespaces });
}
const tcp = (src: string, dst: string, port: number): Packet => ({ src, dst, port });
const dbOnly = { matchLabels: { app: 'db' } };
const frontendOnly = { matchLabels: { role: 'frontend' } };

describe('compilePolicies', () => {
  it('restricts nothing without policies', () => {
    const r = compile();
    expect(r.chains.size).toBe(0);
    expect(allowed(r, tcp(OTHER, DB, 5432))).toBe(true);
  });

  it('denies all ingress to selected local pods only, leaving their egress and everyone else alone', () => {
    const r = compile(policy('deny', { podSelector: dbOnly }));
    expect([...r.chains.keys()]).toEqual(['ing-default.db']);
    expect(allowed(r, tcp(FRONTEND, DB, 5432))).toBe(false);
    expect(allowed(r, tcp(DB, FRONTEND, 80))).toBe(true);
    expect(allowed(r, tcp(FRONTEND, OTHER, 80))).toBe(true);
    // db2 runs on n2: its node enforces its ingress.
    expect(allowed(r, tcp(FRONTEND, REMOTE_DB, 5432))).toBe(true);
  });

  it('allows the union of every selecting policy', () => {
    const r = compile(
      policy('deny', { podSelector: dbOnly }),
      policy('frontend', { podSelector: dbOnly, ingress: [{ from: [{ podSelector: frontendOnly }], ports: [{ protocol: 'TCP', port: 5432 }] }] }),
      policy('subnet', { podSelector: dbOnly, ingress: [{ from: [{ ipBlock: { cidr: '10.244.2.0/24', except: [`${TEAM_B}/32`] } }] }] }),
    );
    expect(allowed(r, tcp(FRONTEND, DB, 5432))).toBe(true);
    expect(allowed(r, tcp(FRONTEND, DB, 80))).toBe(false);
    expect(allowed(r, tcp(OTHER, DB, 5432))).toBe(false);
    expect(allowed(r, tcp(TEAM_A, DB, 80))).toBe(true); // in the ipBlock
    expect(allowed(r, tcp(TEAM_B, DB, 80))).toBe(false); // excepted
    expect(allowed(r, { src: FRONTEND, dst: DB, port: 5432, protocol: 'udp' })).toBe(false);
  });

  it('matches pod peers in the policy namespace unless a namespaceSelector picks namespaces', () => {
    const sameNs = compile(policy('p', { podSelector: dbOnly, ingress: [{ from: [{ podSelector: frontendOnly }] }] }));
    expect(allowed(sameNs, tcp(FRONTEND, DB, 1))).toBe(true);
    expect(allowed(sameNs, tcp(TEAM_A, DB, 1))).toBe(false);

    const teamA = compile(policy('p', { podSelector: dbOnly, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }] }] }));
    expect(allowed(teamA, tcp(TEAM_A, DB, 1))).toBe(true);
    expect(allowed(teamA, tcp(TEAM_B, DB, 1))).toBe(false);
    expect(allowed(teamA, tcp(FRONTEND, DB, 1))).toBe(false);

    const both = compile(policy('p', { podSelector: dbOnly, ingress: [{ from: [{ namespaceSelector: {}, podSelector: frontendOnly }] }] }));
    expect([TEAM_A, TEAM_B, FRONTEND].map((ip) => allowed(both, tcp(ip, DB, 1)))).toEqual([true, true, true]);
    expect(allowed(both, tcp(OTHER, DB, 1))).toBe(false);
  });

  it('resolves ingress named ports against the selected pod', () => {
    const r = compile(policy('p', { podSelector: dbOnly, ingress: [{ ports: [{ protocol: 'TCP', port: 'postgres' }] }] }));
    expect(allowed(r, tcp(OTHER, DB, 5432))).toBe(true);
    expect(allowed(r, tcp(OTHER, DB, 9187))).toBe(false);
    const missing = compile(policy('p', { podSelector: dbOnly, ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }] }));
    expect(allowed(missing, tcp(OTHER, DB, 80))).toBe(false);
  });

  it('enforces egress of selected local pods, with port ranges and named ports on the destination', () => {
    const r = compile(policy('out', {
      podSelector: frontendOnly,
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: dbOnly }], ports: [{ protocol: 'TCP', port: 6000, endPort: 6010 }, { protocol: 'TCP', port: 'postgres' }] }],
    }));
    expect([...r.chains.keys()]).toEqual(['egr-default.frontend']);
    expect(allowed(r, tcp(FRONTEND, DB, 5432))).toBe(true);
    expect(allowed(r, tcp(FRONTEND, REMOTE_DB, 5432))).toBe(true);
    expect(allowed(r, tcp(FRONTEND, DB, 6005))).toBe(true);
    expect(allowed(r, tcp(FRONTEND, DB, 9187))).toBe(false);
    expect(allowed(r, tcp(FRONTEND, OTHER, 5432))).toBe(false);
    expect(allowed(r, tcp(OTHER, DB, 9187))).toBe(true); // other is not selected
    expect(allowed(r, tcp(DB, FRONTEND, 80))).toBe(true); // frontend's ingress is open
  });

  it('checks both the destination ingress and the source egress', () => {
    const r = compile(
      policy('db-from-other', { podSelector: dbOnly, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'other' } } }] }] }),
      policy('frontend-out', { podSelector: frontendOnly, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: dbOnly }] }] }),
    );
    expect(allowed(r, tcp(FRONTEND, DB, 5432))).toBe(false);
    expect(allowed(r, tcp(OTHER, DB, 5432))).toBe(true);
    expect(allowed(r, tcp(FRONTEND, OTHER, 80))).toBe(false);
  });

  it('treats an empty rule as allow-all and an empty selector as every pod of the namespace', () => {
    const r = compile(policy('all', { podSelector: {}, ingress: [{}] }));
    expect([...r.chains.keys()].sort()).toEqual(['ing-default.db', 'ing-default.frontend', 'ing-default.other']);
    expect(allowed(r, tcp(TEAM_B, DB, 1))).toBe(true);
  });

  it('shares one address set per policy rule between the chains that use it', () => {
    const r = compile(policy('p', { podSelector: {}, ingress: [{ from: [{ podSelector: frontendOnly }, { ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } }] }] }));
    expect([...r.sets.keys()]).toEqual(['from-default.p.0']);
    expect(r.sets.get('from-default.p.0')).toEqual({
      kind: 'addresses',
      ranges: [[0x0af4010b, 0x0af4010b], [0xc0a80000, 0xc0a800ff], [0xc0a80200, 0xc0a8ffff]],
    });
  });

  it('keeps long names within nftables limits', () => {
    const name = nftName('ing', 'ns', 'p'.repeat(253));
    expect(name).toMatch(/^ing-[0-9a-f]{32}$/);
    expect(nftName('ing', 'ns', 'p')).toBe('ing-ns.p');
  });
});
