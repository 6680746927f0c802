import { describe, it, expect } from '@jest/globals';
import type { Ingress, IngressClass, IngressSpec } from '../types/networking.js';
import { ingressStrategy } from './ingress.js';
import { ingressClassStrategy } from './ingress-class.js';
import { create, errorAt, paths, update } from './testing/helpers.js';

function ing(spec: IngressSpec, name = 'web'): Ingress {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'default' }, spec };
}
const backend = { service: { name: 'web', port: { number: 80 } } };
function rule(host: string | undefined, path = '/', pathType: string = 'Prefix'): IngressSpec['rules'] {
  return [{ ...(host === undefined ? {} : { host }), http: { paths: [{ path, pathType: pathType as 'Prefix', backend }] } }];
}
/** An object as a client may send it: any shape, so validation is what stands between it and storage. */
function raw(spec: unknown): Ingress {
  return ing(spec as IngressSpec);
}

describe('Ingress create', () => {
  it('accepts host and path rules, a default backend, TLS and a class, and clears a client-sent status', () => {
    const i = ing({
      ingressClassName: 'cairn',
      defaultBackend: { service: { name: 'fallback', port: { name: 'http' } } },
      rules: [...rule('shop.example.com', '/cart')!, ...rule('*.example.com', '/', 'Exact')!, ...rule(undefined, '', 'ImplementationSpecific')!],
      tls: [{ hosts: ['shop.example.com', '*.example.com'], secretName: 'shop-tls' }],
    });
    i.status = { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } };
    expect(create(ingressStrategy, i)).toEqual([]);
    expect(i.status).toEqual({ loadBalancer: {} });
  });

  it('accepts a default backend alone and a resource backend', () => {
    expect(create(ingressStrategy, ing({ defaultBackend: backend }))).toEqual([]);
    expect(create(ingressStrategy, ing({ defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } } }))).toEqual([]);
  });

  it('needs rules or a default backend', () => {
    const errs = create(ingressStrategy, ing({}));
    expect(errorAt(errs, 'spec')?.message).toContain('either `defaultBackend` or `rules` must be specified');
  });

  it('refuses bad hosts, naming the field', () => {
    for (const host of ['Shop.example.com', '10.0.0.1', 'shop.example.com:80', '*', 'a.*.example.com', '*.']) {
      expect(paths(create(ingressStrategy, ing({ rules: rule(host) })))).toEqual(['spec.rules[0].host']);
    }
    expect(errorAt(create(ingressStrategy, ing({ rules: rule('10.0.0.1') })), 'spec.rules[0].host')?.message).toContain('must be a DNS name, not an IP address');
    expect(errorAt(create(ingressStrategy, ing({ rules: rule('a.*.example.com') })), 'spec.rules[0].host')?.message).toContain("wildcard DNS-1123 subdomain must start with '*.'");
  });

  it('requires pathType and checks paths per type', () => {
    const p = 'spec.rules[0].http.paths[0]';
    const noType = raw({ rules: [{ http: { paths: [{ path: '/', backend }] } }] });
    expect(errorAt(create(ingressStrategy, noType), `${p}.pathType`)?.message).toBe('Required value: pathType must be specified');
    expect(errorAt(create(ingressStrategy, ing({ rules: rule(undefined, '/', 'Regex') })), `${p}.pathType`)?.type).toBe('FieldValueNotSupported');
    expect(errorAt(create(ingressStrategy, ing({ rules: rule(undefined, 'foo') })), `${p}.path`)?.message).toContain('must be an absolute path');
    expect(paths(create(ingressStrategy, ing({ rules: rule(undefined, '') })))).toEqual([`${p}.path`]);
    for (const bad of ['/a//b', '/a/../b', '/a/./b', '/a%2Fb', '/a/..', '/a/.']) {
      expect(paths(create(ingressStrategy, ing({ rules: rule(undefined, bad, 'Exact') })))).toEqual([`${p}.path`]);
    }
    // ImplementationSpecific leaves path syntax to the controller, beyond being absolute.
    expect(create(ingressStrategy, ing({ rules: rule(undefined, '/a//b', 'ImplementationSpecific') }))).toEqual([]);
  });

  it('requires paths in an http rule', () => {
    expect(paths(create(ingressStrategy, raw({ rules: [{ host: 'a.example.com', http: { paths: [] } }] })))).toEqual(['spec.rules[0].http.paths']);
  });

  it('checks backends: exactly one kind, service name and one port form', () => {
    const p = 'spec.defaultBackend';
    expect(errorAt(create(ingressStrategy, raw({ defaultBackend: {} })), p)?.message).toContain('resource or service backend is required');
    expect(errorAt(create(ingressStrategy, raw({ defaultBackend: { ...backend, resource: { kind: 'X', name: 'y' } } })), p)?.message).toContain('cannot set both resource and service backends');
    expect(paths(create(ingressStrategy, raw({ defaultBackend: { service: { name: '1web', port: { number: 80 } } } })))).toEqual([`${p}.service.name`]);
    expect(errorAt(create(ingressStrategy, raw({ defaultBackend: { service: { name: 'web', port: { name: 'http', number: 80 } } } })), `${p}.service.port`)?.message)
      .toContain('cannot set both port name & port number');
    expect(paths(create(ingressStrategy, raw({ defaultBackend: { service: { name: 'web', port: {} } } })))).toEqual([`${p}.service.port.name`]);
    expect(paths(create(ingressStrategy, raw({ defaultBackend: { service: { name: 'web', port: { number: 70000 } } } })))).toEqual([`${p}.service.port.number`]);
    expect(paths(create(ingressStrategy, raw({ defaultBackend: { service: { name: 'web' } } })))).toEqual([`${p}.service.port`]);
    expect(paths(create(ingressStrategy, raw({ defaultBackend: { resource: { name: 'b' } } })))).toEqual([`${p}.resource.kind`]);
  });

  it('checks TLS hosts and secret names, and refuses unknown fields', () => {
    const errs = create(ingressStrategy, ing({ rules: rule('a.example.com'), tls: [{ hosts: ['A.example.com'], secretName: 'Bad_Name' }] }));
    expect(paths(errs)).toEqual(['spec.tls[0].hosts[0]', 'spec.tls[0].secretName']);
    expect(paths(create(ingressStrategy, raw({ defaultBackend: backend, backend })))).toEqual(['spec.backend']);
  });
});

describe('Ingress update and status', () => {
  it('accepts a published address and refuses a malformed one', () => {
    const old = ing({ defaultBackend: backend });
    old.metadata.resourceVersion = '1';
    const next = structuredClone(old);
    next.status = { loadBalancer: { ingress: [{ ip: '192.0.2.10' }, { hostname: 'lb.example.com' }] } };
    expect(update(ingressStrategy, next, old)).toEqual([]);
    next.status = { loadBalancer: { ingress: [{ ip: 'not-an-ip' }, { hostname: '192.0.2.1' }] } };
    expect(paths(update(ingressStrategy, next, old))).toEqual(['status.loadBalancer.ingress[0].ip', 'status.loadBalancer.ingress[1].hostname']);
  });
});

describe('IngressClass', () => {
  const ic = (spec: unknown): IngressClass => ({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'cairn' }, spec: spec as IngressClass['spec'] });

  it('needs a domain-prefixed controller that never changes', () => {
    const good = ic({ controller: 'cairn.dev/ingress' });
    expect(create(ingressClassStrategy, good)).toEqual([]);
    expect(paths(create(ingressClassStrategy, ic({ controller: 'ingress' })))).toEqual(['spec.controller']);
    expect(paths(create(ingressClassStrategy, ic({})))).toEqual(['spec.controller']);
    expect(paths(update(ingressClassStrategy, ic({ controller: 'other.dev/x' }), good))).toEqual(['spec.controller']);
  });

  it('defaults parameters scope and checks its namespace', () => {
    const c = ic({ controller: 'cairn.dev/ingress', parameters: { kind: 'Params', name: 'p' } });
    expect(create(ingressClassStrategy, c)).toEqual([]);
    expect(c.spec?.parameters?.scope).toBe('Cluster');
    expect(paths(create(ingressClassStrategy, ic({ controller: 'cairn.dev/ingress', parameters: { kind: 'P', name: 'p', scope: 'Namespace' } })))).toEqual(['spec.parameters.namespace']);
  });
});
