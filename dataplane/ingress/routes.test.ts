import { describe, it, expect } from '@jest/globals';
import type { HTTPIngressPath, Ingress, IngressRule } from '../../api/types/networking.js';
import { buildRouteTable, normalizeHost } from './routes.js';

let clock = 0;
/** An Ingress created after every one made before it (creation order decides conflicts). */
function ingress(name: string, rules: IngressRule[], defaultService?: string, namespace = 'default'): Ingress {
  clock++;
  return {
    metadata: { name, namespace, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString() },
    spec: { rules, ...(defaultService ? { defaultBackend: { service: { name: defaultService, port: { number: 80 } } } } : {}) },
  };
}
function path(p: string | undefined, pathType: HTTPIngressPath['pathType'], service: string): HTTPIngressPath {
  return { ...(p === undefined ? {} : { path: p }), pathType, backend: { service: { name: service, port: { number: 80 } } } };
}
function rule(host: string | undefined, ...paths: HTTPIngressPath[]): IngressRule {
  return { ...(host ? { host } : {}), http: { paths } };
}

describe('route matching', () => {
  it('Prefix matches whole path elements: /foo takes /foo, /foo/ and /foo/bar, never /foobar', () => {
    const t = buildRouteTable([ingress('a', [rule(undefined, path('/foo', 'Prefix', 'foo'))])]);
    const svc = (p: string): string | undefined => t.match('x.example.com', p)?.service?.name;
    expect(svc('/foo')).toBe('foo');
    expect(svc('/foo/')).toBe('foo');
    expect(svc('/foo/bar')).toBe('foo');
    expect(svc('/foo?x=1')).toBe('foo');
    expect(svc('/foobar')).toBeUndefined();
    expect(svc('/')).toBeUndefined();
  });

  it('a Prefix path with a trailing slash matches the path without it', () => {
    const t = buildRouteTable([ingress('a', [rule(undefined, path('/aaa/bbb/', 'Prefix', 's'))])]);
    expect(t.match('h', '/aaa/bbb')?.service?.name).toBe('s');
    expect(t.match('h', '/aaa/bbbxyz')).toBeUndefined();
  });

  it('Exact matches the path only, trailing slash included', () => {
    const t = buildRouteTable([ingress('a', [rule(undefined, path('/foo', 'Exact', 'foo'))])]);
    expect(t.match('h', '/foo')?.service?.name).toBe('foo');
    expect(t.match('h', '/foo/')).toBeUndefined();
    expect(t.match('h', '/foo/bar')).toBeUndefined();
  });

  it('the longest matching path wins, and Exact beats Prefix on the same path', () => {
    const t = buildRouteTable([ingress('a', [rule(undefined,
      path('/', 'Prefix', 'root'), path('/api', 'Prefix', 'api'), path('/api/v1', 'ImplementationSpecific', 'v1'), path('/api', 'Exact', 'api-exact'))])]);
    const svc = (p: string): string | undefined => t.match('h', p)?.service?.name;
    expect(svc('/other')).toBe('root');
    expect(svc('/api')).toBe('api-exact');
    expect(svc('/api/')).toBe('api');
    expect(svc('/api/v1/users')).toBe('v1');
    expect(svc('/api/v2')).toBe('api');
  });

  it('an empty ImplementationSpecific path matches everything', () => {
    const t = buildRouteTable([ingress('a', [rule(undefined, path(undefined, 'ImplementationSpecific', 'all'))])]);
    expect(t.match('h', '/anything/at/all')?.service?.name).toBe('all');
  });

  it('hosts: exact, then a wildcard over exactly one label, then host-less rules', () => {
    const t = buildRouteTable([ingress('a', [
      rule('foo.example.com', path('/', 'Prefix', 'exact')),
      rule('*.example.com', path('/', 'Prefix', 'wild')),
      rule(undefined, path('/', 'Prefix', 'any')),
    ])]);
    const svc = (h: string): string | undefined => t.match(h, '/')?.service?.name;
    expect(svc('foo.example.com')).toBe('exact');
    expect(svc('FOO.example.com:8080')).toBe('exact');
    expect(svc('bar.example.com')).toBe('wild');
    expect(svc('baz.bar.example.com')).toBe('any');
    expect(svc('example.com')).toBe('any');
    expect(svc('')).toBe('any');
  });

  it('the chosen host decides: a path it lacks goes to its default backend, not to other hosts’ rules', () => {
    const t = buildRouteTable([
      ingress('shop', [rule('shop.example.com', path('/cart', 'Prefix', 'cart'))], 'shop-default'),
      ingress('catchall', [rule(undefined, path('/', 'Prefix', 'any'))]),
    ]);
    expect(t.match('shop.example.com', '/cart/1')?.service?.name).toBe('cart');
    expect(t.match('shop.example.com', '/about')?.service?.name).toBe('shop-default');
    expect(t.match('other.example.com', '/about')?.service?.name).toBe('any');
  });

  it('404 without a default backend; the oldest default backend serves unmatched hosts', () => {
    expect(buildRouteTable([ingress('a', [rule('a.example.com', path('/', 'Prefix', 'a'))])]).match('b.example.com', '/')).toBeUndefined();
    const older = ingress('older', [], 'first');
    const newer = ingress('newer', [], 'second');
    const t = buildRouteTable([newer, older]);
    expect(t.match('b.example.com', '/')).toEqual({ namespace: 'default', ingress: 'older', service: { name: 'first', port: { number: 80 } } });
  });

  it('on the same host and path, the older Ingress keeps the rule; routes keep their namespace', () => {
    const first = ingress('first', [rule('a.example.com', path('/', 'Prefix', 'one'))], undefined, 'team-a');
    const second = ingress('second', [rule('a.example.com', path('/', 'Prefix', 'two'))], undefined, 'team-b');
    const t = buildRouteTable([second, first]);
    expect(t.match('a.example.com', '/x')).toMatchObject({ namespace: 'team-a', ingress: 'first', service: { name: 'one' } });
  });

  it('a resource backend routes without a service', () => {
    const ing = ingress('r', [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { resource: { kind: 'Bucket', name: 'b' } } }] } }]);
    expect(buildRouteTable([ing]).match('h', '/')).toEqual({ namespace: 'default', ingress: 'r' });
  });
});

describe('normalizeHost', () => {
  it('drops the port and a trailing dot and lowers case; IPv6 keeps brackets', () => {
    expect(normalizeHost('Shop.Example.com.:443')).toBe('shop.example.com');
    expect(normalizeHost('[::1]:8080')).toBe('[::1]');
  });
});
