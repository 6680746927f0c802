import { describe, it, expect } from '@jest/globals';
import type { NetworkPolicy, NetworkPolicySpec } from '../types/network-policy.js';
import { networkPolicyStrategy } from './networkpolicy.js';
import { create, errorAt, paths, update } from './testing/helpers.js';

function np(spec: NetworkPolicySpec, name = 'db'): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'default' }, spec };
}

describe('NetworkPolicy defaults', () => {
  it('is an Ingress policy when it has no egress rules, and ports default to TCP', () => {
    const p = np({ podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 5432 }, { protocol: 'UDP', port: 53 }] }] });
    expect(create(networkPolicyStrategy, p)).toEqual([]);
    expect(p.spec.policyTypes).toEqual(['Ingress']);
    expect(p.spec.ingress![0]!.ports).toEqual([{ protocol: 'TCP', port: 5432 }, { protocol: 'UDP', port: 53 }]);
  });

  it('adds Egress when egress rules are present, and keeps explicit policyTypes', () => {
    const withEgress = np({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] });
    expect(create(networkPolicyStrategy, withEgress)).toEqual([]);
    expect(withEgress.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const egressOnly = np({ podSelector: {}, policyTypes: ['Egress'] });
    expect(create(networkPolicyStrategy, egressOnly)).toEqual([]);
    expect(egressOnly.spec.policyTypes).toEqual(['Egress']);
  });
});

describe('NetworkPolicy validation', () => {
  it('accepts every peer kind, named ports and port ranges', () => {
    const p = np({
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] },
      ingress: [{
        from: [{ podSelector: { matchLabels: { role: 'frontend' } } }, { namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: {} },
          { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }],
        ports: [{ port: 'postgres' }, { port: 6000, endPort: 6010 }, { protocol: 'SCTP' }],
      }],
      egress: [{ to: [{ ipBlock: { cidr: 'fd00::/64', except: ['fd00::/96'] } }] }],
    });
    expect(create(networkPolicyStrategy, p)).toEqual([]);
  });

  const cases: [string, unknown, string, RegExp][] = [
    ['no podSelector', { ingress: [] }, 'spec.podSelector', /Required value/],
    ['bad podSelector operator', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Is' }] } }, 'spec.podSelector.matchExpressions[0].operator', /not a valid selector operator/],
    ['bad policy type', { podSelector: {}, policyTypes: ['Forward'] }, 'spec.policyTypes[0]', /"Ingress", "Egress"/],
    ['three policy types', { podSelector: {}, policyTypes: ['Ingress', 'Egress', 'Ingress'] }, 'spec.policyTypes', /more than two/],
    ['empty peer', { podSelector: {}, ingress: [{ from: [{}] }] }, 'spec.ingress[0].from[0]', /must specify a peer/],
    ['ipBlock with a selector', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }, 'spec.egress[0].to[0]', /may not specify both ipBlock and another peer/],
    ['ipBlock without cidr', { podSelector: {}, ingress: [{ from: [{ ipBlock: {} }] }] }, 'spec.ingress[0].from[0].ipBlock.cidr', /Required/],
    ['invalid cidr', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }, 'spec.ingress[0].from[0].ipBlock.cidr', /valid CIDR/],
    ['except outside cidr', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] }, 'spec.ingress[0].from[0].ipBlock.except[0]', /strict subset of `cidr`/],
    ['except equal to cidr', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }] }] }, 'spec.ingress[0].from[0].ipBlock.except[0]', /strict subset/],
    ['bad protocol', { podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP', port: 1 }] }] }, 'spec.ingress[0].ports[0].protocol', /"TCP", "UDP", "SCTP"/],
    ['port out of range', { podSelector: {}, ingress: [{ ports: [{ port: 70000 }] }] }, 'spec.ingress[0].ports[0].port', /between 1 and 65535/],
    ['bad port name', { podSelector: {}, ingress: [{ ports: [{ port: 'web_http' }] }] }, 'spec.ingress[0].ports[0].port', /alpha-numeric/],
    ['endPort below port', { podSelector: {}, egress: [{ ports: [{ port: 100, endPort: 99 }] }] }, 'spec.egress[0].ports[0].endPort', /greater than or equal to `port`/],
    ['endPort with a named port', { podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }, 'spec.ingress[0].ports[0].endPort', /non-numeric/],
    ['endPort without port', { podSelector: {}, ingress: [{ ports: [{ endPort: 90 }] }] }, 'spec.ingress[0].ports[0].endPort', /`port` is not specified/],
    ['unknown rule field', { podSelector: {}, ingress: [{ to: [] }] }, 'spec.ingress[0].to', /unknown field "to"/],
  ];
  it.each(cases)('rejects %s', (_name, spec, path, message) => {
    const errs = create(networkPolicyStrategy, np(spec as NetworkPolicySpec));
    expect(errorAt(errs, path)?.message).toMatch(message);
  });

  it('requires a namespace and a DNS subdomain name', () => {
    const p = np({ podSelector: {} }, 'Bad_Name');
    delete p.metadata.namespace;
    expect(paths(create(networkPolicyStrategy, p)).sort()).toEqual(['metadata.name', 'metadata.namespace']);
  });

  it('lets a spec change on update but not the name', () => {
    const old = np({ podSelector: {} });
    expect(create(networkPolicyStrategy, old)).toEqual([]);
    const changed = np({ podSelector: { matchLabels: { app: 'x' } } });
    expect(update(networkPolicyStrategy, changed, old)).toEqual([]);
    const renamed = np({ podSelector: {} }, 'other');
    expect(paths(update(networkPolicyStrategy, renamed, old))).toEqual(['metadata.name']);
  });
});
