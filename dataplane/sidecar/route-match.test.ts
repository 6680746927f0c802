import { describe, expect, it } from '@jest/globals';
import { EMPTY_CONFIG, type ProxyConfig, type RouteEntry, type VirtualHost } from './config-model.js';
import { serviceDomains } from '../../control/xds-server/naming.js';
import { findVirtualHost, matchRoute, pickWeighted, type RequestFacts } from './route-match.js';

const route = (name: string, over: Partial<RouteEntry> = {}): RouteEntry => ({
  name, path: { kind: 'prefix', value: '' }, headers: [], clusters: [{ name, weight: 1 }], hashHeaders: [],
  requestHeadersToAdd: [], requestHeadersToRemove: [], responseHeadersToAdd: [], responseHeadersToRemove: [], ...over,
});
const req = (over: Partial<RequestFacts> = {}): RequestFacts => ({ authority: 'web', method: 'GET', path: '/', headers: {}, ...over });

function configOf(hosts: VirtualHost[][]): ProxyConfig {
  const listeners = new Map(hosts.map((_, i) => [`l${i}`, { name: `l${i}`, routeConfigName: `r${i}` }]));
  const routes = new Map(hosts.map((vhs, i) => [`r${i}`, { name: `r${i}`, virtualHosts: vhs }]));
  return { ...EMPTY_CONFIG, listeners, routes };
}

describe('virtual host selection', () => {
  const web = { name: 'web', domains: ['web', 'web:80', 'web.default.svc.cluster.local:80'], routes: [] };
  const wild = { name: 'wild', domains: ['*.example.com'], routes: [] };
  const any = { name: 'any', domains: ['*'], routes: [] };
  const config = configOf([[web], [wild, any]]);

  it('prefers an exact domain, then the wildcard suffix, then *', () => {
    expect(findVirtualHost(config, 'WEB.default.svc.cluster.local:80')?.name).toBe('web');
    expect(findVirtualHost(config, 'a.example.com')?.name).toBe('wild');
    expect(findVirtualHost(config, 'other')?.name).toBe('any');
  });

  it('finds nothing when no domain matches', () => {
    expect(findVirtualHost(configOf([[web]]), 'web:81')).toBeUndefined();
  });
});

describe('short Service names resolve in the pod\'s namespace', () => {
  // What the xds-server sends (serviceDomains): each Service port's FQDN and cluster IP with the port.
  const svc = (name: string, ns: string, port: number, ip: string): VirtualHost => ({
    name: `${name}.${ns}:${port}`, routes: [], domains: serviceDomains(name, ns, port, 'cluster.local', [ip]),
  });
  const config = configOf([[svc('web', 'ns1', 80, '10.96.0.1')], [svc('web', 'ns2', 80, '10.96.0.2')], [svc('api', 'ns1', 8080, '10.96.0.3')]]);
  const in2 = { namespace: 'ns2', zone: 'cluster.local' };
  const vh = (authority: string, local = in2): string | undefined => findVirtualHost(config, authority, local)?.name;

  it('gives `web` in ns2 the web of ns2, never the web of ns1', () => {
    expect(vh('web')).toBe('web.ns2:80');
    expect(vh('web:80')).toBe('web.ns2:80');
    expect(vh('web', { namespace: 'ns1', zone: 'cluster.local' })).toBe('web.ns1:80');
  });

  it('expands `svc.ns` and `svc.ns.svc` like the resolver search path, and keeps full names and IPs', () => {
    expect(vh('web.ns1')).toBe('web.ns1:80');
    expect(vh('web.ns1.svc:80')).toBe('web.ns1:80');
    expect(vh('web.ns1.svc.cluster.local')).toBe('web.ns1:80');
    expect(vh('10.96.0.1')).toBe('web.ns1:80');
    expect(vh('api.ns1:8080')).toBe('api.ns1:8080');
  });

  it('takes a Host without a port as port 80', () => {
    expect(vh('api.ns1')).toBeUndefined();
    expect(vh('10.96.0.3')).toBeUndefined();
    expect(vh('web:8080')).toBeUndefined();
    expect(vh('api', { namespace: 'ns3', zone: 'cluster.local' })).toBeUndefined();
  });
});

describe('route matching', () => {
  const vh: VirtualHost = {
    name: 'v', domains: ['*'], routes: [
      route('exact', { path: { kind: 'exact', value: '/a' } }),
      route('regex', { path: { kind: 'regex', value: '/r/[0-9]+', regex: /^(?:\/r\/[0-9]+)$/ } }),
      route('header', { path: { kind: 'prefix', value: '/h' }, headers: [{ name: 'x-canary', exact: '1', invert: false }] }),
      route('not-absent', { path: { kind: 'prefix', value: '/h' }, headers: [{ name: 'x-debug', present: true, invert: true }] }),
      route('method', { path: { kind: 'prefix', value: '/m' }, headers: [{ name: ':method', regex: /^(?:PUT|POST)$/, invert: false }] }),
      route('fallback'),
    ],
  };
  const name = (facts: Partial<RequestFacts>): string | undefined => matchRoute(vh, req(facts))?.name;

  it('matches exact paths only exactly, and regexes against the whole path', () => {
    expect(name({ path: '/a' })).toBe('exact');
    expect(name({ path: '/a/b' })).toBe('fallback');
    expect(name({ path: '/r/12' })).toBe('regex');
    expect(name({ path: '/r/12x' })).toBe('fallback');
  });

  it('needs every header matcher, honouring presence and inversion', () => {
    expect(name({ path: '/h', headers: { 'x-canary': '1' } })).toBe('header');
    expect(name({ path: '/h', headers: { 'x-canary': '2' } })).toBe('not-absent');
    expect(name({ path: '/h', headers: { 'x-debug': 'on' } })).toBe('fallback');
    expect(name({ path: '/m', method: 'POST' })).toBe('method');
    expect(name({ path: '/m', method: 'GET' })).toBe('fallback');
  });
});

describe('weighted cluster pick', () => {
  const clusters = [{ name: 'v1', weight: 90 }, { name: 'v2', weight: 10 }, { name: 'off', weight: 0 }];

  it('maps the random point onto the weights', () => {
    expect(pickWeighted(clusters, 0)).toBe('v1');
    expect(pickWeighted(clusters, 0.899)).toBe('v1');
    expect(pickWeighted(clusters, 0.9)).toBe('v2');
    expect(pickWeighted(clusters, 0.99999)).toBe('v2');
  });

  it('gives each cluster its share over evenly spread points', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) counts.set(pickWeighted(clusters, i / 1000), (counts.get(pickWeighted(clusters, i / 1000)) ?? 0) + 1);
    expect(counts.get('v1')).toBe(900);
    expect(counts.get('v2')).toBe(100);
    expect(counts.has('off')).toBe(false);
  });
});
