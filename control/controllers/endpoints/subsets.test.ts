import { describe, expect, it } from '@jest/globals';
import type { Pod, Service, ServicePort } from '../../../api/types/core.js';
import { computeSubsets, endpointsLabels, HEADLESS_LABEL, resolveTargetPort } from './subsets.js';

const svc = (ports: ServicePort[], extra: Partial<Service['spec']> = {}): Service => ({
  metadata: { name: 'web', namespace: 'default', labels: { team: 'a' } },
  spec: { selector: { app: 'web' }, ports, ...extra },
});

interface PodOptions { ip?: string; ready?: boolean; labels?: Record<string, string>; namespace?: string; deleting?: boolean; phase?: 'Running' | 'Failed'; ports?: { name: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[]; hostname?: string; subdomain?: string }
const pod = (name: string, o: PodOptions = {}): Pod => ({
  metadata: { name, namespace: o.namespace ?? 'default', uid: `uid-${name}`, labels: o.labels ?? { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { nodeName: 'n1', containers: [{ name: 'c', ports: o.ports ?? [] }], hostname: o.hostname, subdomain: o.subdomain },
  status: { phase: o.phase ?? 'Running', ...(o.ip === '' ? {} : { podIP: o.ip ?? `10.244.0.${name.slice(1)}` }), conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});

describe('computeSubsets', () => {
  it('puts ready pods in addresses and unready ones in notReadyAddresses, with node and pod reference', () => {
    const subsets = computeSubsets(svc([{ port: 80, targetPort: 8080 }]), [pod('p3'), pod('p1', { ready: false }), pod('p2')]);
    expect(subsets).toEqual([{
      addresses: [
        { ip: '10.244.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'p2', uid: 'uid-p2' } },
        { ip: '10.244.0.3', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'p3', uid: 'uid-p3' } },
      ],
      notReadyAddresses: [{ ip: '10.244.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'p1', uid: 'uid-p1' } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
  });

  it('publishes unready pods as ready when publishNotReadyAddresses is set', () => {
    const [subset] = computeSubsets(svc([{ port: 80 }], { publishNotReadyAddresses: true }), [pod('p1', { ready: false })]);
    expect(subset!.addresses!.map((a) => a.ip)).toEqual(['10.244.0.1']);
    expect(subset!.notReadyAddresses).toBeUndefined();
  });

  it.each([
    ['without an IP', pod('p1', { ip: '' })],
    ['terminating', pod('p1', { deleting: true })],
    ['finished', pod('p1', { phase: 'Failed' })],
    ['in another namespace', pod('p1', { namespace: 'other' })],
    ['not matching the selector', pod('p1', { labels: { app: 'db' } })],
  ])('leaves out a pod %s', (_name, p) => {
    expect(computeSubsets(svc([{ port: 80 }]), [p])).toEqual([]);
  });

  it('resolves a named targetPort per pod, and groups pods by the ports they serve', () => {
    const s = svc([{ name: 'http', port: 80, targetPort: 'web' }, { name: 'metrics', port: 9090 }]);
    const subsets = computeSubsets(s, [
      pod('p1', { ports: [{ name: 'web', containerPort: 8080 }] }),
      pod('p2', { ports: [{ name: 'web', containerPort: 8081 }] }),
      pod('p3', { ports: [{ name: 'other', containerPort: 8080 }] }),
      pod('p4', { ports: [{ name: 'web', containerPort: 8080 }] }),
    ]);
    expect(subsets.map((x) => ({ ips: x.addresses!.map((a) => a.ip), ports: x.ports }))).toEqual([
      { ips: ['10.244.0.1', '10.244.0.4'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }] },
      { ips: ['10.244.0.2'], ports: [{ name: 'http', port: 8081, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }] },
      // p3 lacks "web": it serves only the numeric port.
      { ips: ['10.244.0.3'], ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }] },
    ]);
  });

  it('skips a pod that resolves none of the ports', () => {
    expect(computeSubsets(svc([{ port: 80, targetPort: 'web' }]), [pod('p1')])).toEqual([]);
  });

  it('is independent of pod order', () => {
    const s = svc([{ name: 'a', port: 80, targetPort: 'web' }, { name: 'b', port: 81 }]);
    const pods = [pod('p1', { ports: [{ name: 'web', containerPort: 1 }] }), pod('p2'), pod('p3', { ready: false }), pod('p4', { ports: [{ name: 'web', containerPort: 2 }] })];
    expect(computeSubsets(s, [...pods].reverse())).toEqual(computeSubsets(s, pods));
  });

  it('gives a headless service without ports one port-less subset, and hostnames to pods in its subdomain', () => {
    const subsets = computeSubsets(svc([], { clusterIP: 'None' }), [pod('p1', { hostname: 'web-0', subdomain: 'web' }), pod('p2', { hostname: 'x', subdomain: 'other' })]);
    expect(subsets).toEqual([{ addresses: [
      expect.objectContaining({ ip: '10.244.0.1', hostname: 'web-0' }),
      expect.not.objectContaining({ hostname: expect.anything() }),
    ] }]);
  });
});

describe('resolveTargetPort', () => {
  const p = pod('p1', { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 5353 }] });
  it('defaults to the port, takes numbers as they are, and matches names by protocol', () => {
    expect(resolveTargetPort(p, { port: 80 })).toBe(80);
    expect(resolveTargetPort(p, { port: 80, targetPort: 8080 })).toBe(8080);
    expect(resolveTargetPort(p, { port: 53, targetPort: 'dns', protocol: 'UDP' })).toBe(53);
    expect(resolveTargetPort(p, { port: 53, targetPort: 'dns' })).toBeUndefined();
  });
});

describe('endpointsLabels', () => {
  it('copies the service labels and marks headless services only', () => {
    expect(endpointsLabels(svc([]))).toEqual({ team: 'a' });
    expect(endpointsLabels(svc([], { clusterIP: 'None' }))).toEqual({ team: 'a', [HEADLESS_LABEL]: '' });
    const relabelled = svc([]);
    relabelled.metadata.labels = { [HEADLESS_LABEL]: '' };
    expect(endpointsLabels(relabelled)).toEqual({});
  });
});
