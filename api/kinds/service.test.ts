import { describe, it, expect } from '@jest/globals';
import type { Service } from '../types/core.js';
import { serviceStrategy } from './service.js';
import { clone, create, errorAt, paths, update } from './testing/helpers.js';

function svc(spec: Service['spec'], name = 'web'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

describe('Service create', () => {
  it('accepts a ClusterIP service and fills defaults', () => {
    const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }] });
    expect(create(serviceStrategy, s)).toEqual([]);
    expect(s.spec.type).toBe('ClusterIP');
    expect(s.spec.sessionAffinity).toBe('None');
    expect(s.spec.internalTrafficPolicy).toBe('Cluster');
    expect(s.spec.ports![0]).toEqual({ port: 80, protocol: 'TCP', targetPort: 80 });
    expect(s.status).toEqual({ loadBalancer: {} });
  });

  it('accepts a NodePort service with named target ports', () => {
    const s = svc({
      type: 'NodePort',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }, { name: 'metrics', port: 9090, targetPort: 9113, protocol: 'TCP' }],
    });
    expect(create(serviceStrategy, s)).toEqual([]);
    expect(s.spec.externalTrafficPolicy).toBe('Cluster');
  });

  it('accepts a headless service without ports and an ExternalName service', () => {
    expect(create(serviceStrategy, svc({ clusterIP: 'None', selector: { app: 'db' } }, 'db'))).toEqual([]);
    expect(create(serviceStrategy, svc({ type: 'ExternalName', externalName: 'db.example.com.' }, 'ext'))).toEqual([]);
  });

  it('defaults ClientIP affinity timeout', () => {
    const s = svc({ ports: [{ port: 80 }], sessionAffinity: 'ClientIP' });
    expect(create(serviceStrategy, s)).toEqual([]);
    expect(s.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
  });

  const cases: [string, Service['spec'], string, RegExp][] = [
    ['no ports', { selector: { app: 'web' } }, 'spec.ports', /Required/],
    ['port out of range', { ports: [{ port: 0x10000 }] }, 'spec.ports[0].port', /between 1 and 65535/],
    ['unnamed ports when there are two', { ports: [{ port: 80 }, { name: 'https', port: 443 }] }, 'spec.ports[0].name', /Required/],
    ['duplicate port names', { ports: [{ name: 'http', port: 80 }, { name: 'http', port: 8080 }] }, 'spec.ports[1].name', /Duplicate/],
    ['duplicate port and protocol', { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }, 'spec.ports[1]', /Duplicate/],
    ['invalid targetPort name', { ports: [{ port: 80, targetPort: 'web_http' }] }, 'spec.ports[0].targetPort', /alpha-numeric/],
    ['bad protocol', { ports: [{ port: 80, protocol: 'ICMP' as 'TCP' }] }, 'spec.ports[0].protocol', /"TCP", "UDP", "SCTP"/],
    ['bad type', { type: 'Internal' as 'ClusterIP', ports: [{ port: 80 }] }, 'spec.type', /"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"/],
    ['nodePort on ClusterIP', { ports: [{ port: 80, nodePort: 30080 }] }, 'spec.ports[0].nodePort', /may not be used when `type` is 'ClusterIP'/],
    ['nodePort not a port', { type: 'NodePort', ports: [{ port: 80, nodePort: 70000 }] }, 'spec.ports[0].nodePort', /between 1 and 65535/],
    ['bad clusterIP', { clusterIP: '10.0.0.300', ports: [{ port: 80 }] }, 'spec.clusterIP', /valid IP address/],
    ['headless NodePort', { type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }, 'spec.clusterIP', /may not be set to 'None' for NodePort services/],
    ['selector label value', { selector: { app: 'web app' }, ports: [{ port: 80 }] }, 'spec.selector', /valid label/],
    ['ExternalName without a name', { type: 'ExternalName' }, 'spec.externalName', /Required/],
    ['ExternalName with an invalid name', { type: 'ExternalName', externalName: 'not a host' }, 'spec.externalName', /RFC 1123 subdomain/],
    ['sessionAffinity', { sessionAffinity: 'Cookie' as 'None', ports: [{ port: 80 }] }, 'spec.sessionAffinity', /"None", "ClientIP"/],
    ['externalTrafficPolicy on ClusterIP', { externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }, 'spec.externalTrafficPolicy', /NodePort/],
    ['unknown spec field', { ports: [{ port: 80 }], selectors: {} }, 'spec.selectors', /unknown field "selectors"/],
    ['unknown port field', { ports: [{ port: 80, target: 8080 } as never] }, 'spec.ports[0].target', /unknown field/],
  ];

  it.each(cases)('rejects %s', (_name, spec, path, message) => {
    const errs = create(serviceStrategy, svc(spec));
    expect(paths(errs)).toContain(path);
    expect(errorAt(errs, path)!.message).toMatch(message);
  });

  it('requires service names to be DNS-1035 labels (start with a letter, no dots)', () => {
    expect(paths(create(serviceStrategy, svc({ ports: [{ port: 80 }] }, '1web')))).toContain('metadata.name');
    expect(paths(create(serviceStrategy, svc({ ports: [{ port: 80 }] }, 'web.v1')))).toContain('metadata.name');
    expect(create(serviceStrategy, svc({ ports: [{ port: 80 }] }, 'web-v1'))).toEqual([]);
  });
});

describe('Service update', () => {
  function stored(): Service {
    const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }], clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] });
    create(serviceStrategy, s);
    return s;
  }

  it('keeps an allocated clusterIP', () => {
    const old = stored();
    const s = clone(old);
    s.spec.clusterIP = '10.96.0.11';
    s.spec.clusterIPs = ['10.96.0.11'];
    expect(errorAt(update(serviceStrategy, s, old), 'spec.clusterIP')?.message).toMatch(/field is immutable/);
  });

  it('allows changing ports and selector, and omitting the allocated IP', () => {
    const old = stored();
    const s = clone(old);
    s.spec.ports = [{ name: 'http', port: 8080 }];
    s.spec.selector = { app: 'web', track: 'canary' };
    delete s.spec.clusterIP;
    delete s.spec.clusterIPs;
    expect(update(serviceStrategy, s, old)).toEqual([]);
  });

  it('allows switching to ExternalName, which drops the cluster IP', () => {
    const old = stored();
    const s = svc({ type: 'ExternalName', externalName: 'web.example.com' });
    expect(update(serviceStrategy, s, old)).toEqual([]);
  });
});

describe('Service selectable fields', () => {
  it('exposes name, namespace, clusterIP and type', () => {
    const s = svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.10' });
    serviceStrategy.applyDefaults(s);
    expect(serviceStrategy.selectableFields(s)).toEqual({ 'metadata.name': 'web', 'metadata.namespace': 'default', 'spec.clusterIP': '10.96.0.10', 'spec.type': 'ClusterIP' });
  });
});
