import { describe, expect, it } from '@jest/globals';
import type { Service } from '../types/core.js';
import { serviceStrategy } from './service.js';
import { clone, create } from './testing/helpers.js';

function stored(spec: Service['spec']): Service {
  const s: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec };
  create(serviceStrategy, s);
  return s;
}

/** The registry's update path: prepareForUpdate, applyDefaults, validateUpdate. */
function update(next: Service, old: Service): string[] {
  serviceStrategy.prepareForUpdate(next, old);
  serviceStrategy.applyDefaults(next);
  return serviceStrategy.validateUpdate(next, old).map((e) => `${e.path}: ${e.message}`);
}

const nodePortService = (): Service => stored({
  type: 'NodePort', clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'],
  ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'admin', port: 81, nodePort: 30081 }],
});

describe('Service update keeps allocated values a body leaves empty', () => {
  it('keeps the cluster IP and node ports (matched by port name) of a PUT without them', () => {
    const old = nodePortService();
    const next: Service = { ...clone(old), spec: { type: 'NodePort', ports: [{ name: 'admin', port: 81 }, { name: 'http', port: 80 }] } };
    expect(update(next, old)).toEqual([]);
    expect(next.spec.clusterIP).toBe('10.96.0.5');
    expect(next.spec.clusterIPs).toEqual(['10.96.0.5']);
    expect(next.spec.ports!.map((p) => p.nodePort)).toEqual([30081, 30080]);
  });

  it('does not copy a node port another port of the body now uses', () => {
    const old = nodePortService();
    const next: Service = { ...clone(old), spec: { ...clone(old.spec), ports: [{ name: 'http', port: 80, nodePort: 30081 }, { name: 'admin', port: 81 }] } };
    update(next, old);
    expect(next.spec.ports!.map((p) => p.nodePort)).toEqual([30081, undefined]);
  });

  it('still refuses a changed cluster IP', () => {
    const old = nodePortService();
    const next = clone(old);
    next.spec.clusterIP = '10.96.0.6';
    next.spec.clusterIPs = ['10.96.0.6'];
    expect(update(next, old)).toContain('spec.clusterIP: Invalid value: "10.96.0.6": field is immutable');
  });

  it('keeps a headless service headless', () => {
    const old = stored({ clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'db' } });
    const next: Service = { ...clone(old), spec: { selector: { app: 'db2' } } };
    expect(update(next, old)).toEqual([]);
    expect(next.spec.clusterIP).toBe('None');
  });
});

describe('Service type changes drop what the new type may not have', () => {
  it('NodePort to ClusterIP drops the node ports and externalTrafficPolicy the registry set', () => {
    const old = nodePortService();
    const next = clone(old);
    next.spec.type = 'ClusterIP';
    expect(update(next, old)).toEqual([]);
    expect(next.spec.ports!.map((p) => p.nodePort)).toEqual([undefined, undefined]);
    expect(next.spec.externalTrafficPolicy).toBeUndefined();
    expect(next.spec.clusterIP).toBe('10.96.0.5');
  });

  it('NodePort to ClusterIP with a node port the user changed is refused', () => {
    const old = nodePortService();
    const next = clone(old);
    next.spec.type = 'ClusterIP';
    next.spec.ports![0]!.nodePort = 30090;
    expect(update(next, old).join('\n')).toMatch(/spec\.ports\[0\]\.nodePort: Forbidden: may not be used when `type` is 'ClusterIP'/);
  });

  it('ClusterIP to ExternalName drops the cluster IP and IP families', () => {
    const old = stored({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80 }] });
    const next = clone(old);
    next.spec.type = 'ExternalName';
    next.spec.externalName = 'db.example.com';
    expect(update(next, old)).toEqual([]);
    expect(next.spec).not.toHaveProperty('clusterIP');
    expect(next.spec).not.toHaveProperty('clusterIPs');
    expect(next.spec).not.toHaveProperty('ipFamilies');
    expect(next.spec).not.toHaveProperty('internalTrafficPolicy');
  });
});
