import { describe, expect, it } from '@jest/globals';
import { buildServiceResources } from './resources.js';
import { LISTENER_TYPE, ROUTE_TYPE } from './protos.js';
import { destinationPolicy, endpoints, service, storeOf, trafficRoute } from './testing/mesh-fixtures.js';

const WEB = 'web.shop.svc.cluster.local:80';
type AnyRoute = { name: string; match: Record<string, unknown>; route: Record<string, unknown> } & Record<string, unknown>;
const routesOf = (set: ReturnType<typeof buildServiceResources>): AnyRoute[] =>
  (set[ROUTE_TYPE].get(WEB) as { virtual_hosts: { routes: AnyRoute[] }[] }).virtual_hosts[0]!.routes;
const filterNames = (set: ReturnType<typeof buildServiceResources>): string[] =>
  (set[LISTENER_TYPE].get(WEB) as { api_listener: { api_listener: { http_filters: { name: string }[] } } }).api_listener.api_listener.http_filters.map((f) => f.name);

describe('TrafficRoute → RouteConfiguration', () => {
  it('keeps the rules in order, each with its match, then a catch-all to the Service itself', () => {
    const route = trafficRoute('r', 'web', [
      { match: { path: { prefix: '/shop.Cart/' }, headers: [{ name: 'X-User', exact: 'tester' }, { name: 'x-debug', present: true }] }, backends: [{ service: 'web', subset: { labels: { version: 'v2' } } }] },
      { match: { path: { exact: '/shop.Cart/Get' }, methods: ['GET'] }, backends: [{ service: 'web' }] },
      { match: { path: { regex: '/shop\\..*/List' }, headers: [{ name: 'x-tier', regex: 'gold|silver' }], methods: ['GET', 'HEAD'] }, backends: [{ service: 'web' }] },
      { backends: [{ service: 'web', subset: { labels: { version: 'v1' } }, weight: 80 }, { service: 'web', subset: { labels: { version: 'v2' } }, weight: 20 }] },
    ]);
    const routes = routesOf(buildServiceResources(service('web'), storeOf(['TrafficRoute', route]), 'cluster.local'));
    expect(routes.map((r) => r.name)).toEqual(['rule-0', 'rule-1', 'rule-2', 'rule-3', 'default']);
    expect(routes[0]!.match).toEqual({ prefix: '/shop.Cart/', headers: [{ name: 'x-user', string_match: { exact: 'tester' } }, { name: 'x-debug', present_match: true }] });
    expect(routes[0]!.route).toMatchObject({ cluster: `${WEB}|version=v2` });
    expect(routes[1]!.match).toEqual({ path: '/shop.Cart/Get', headers: [{ name: ':method', string_match: { exact: 'GET' } }] });
    expect(routes[2]!.match).toEqual({
      safe_regex: { regex: '/shop\\..*/List' },
      headers: [{ name: 'x-tier', string_match: { safe_regex: { regex: 'gold|silver' } } }, { name: ':method', string_match: { safe_regex: { regex: 'GET|HEAD' } } }],
    });
    expect(routes[3]!.route.weighted_clusters).toEqual({ clusters: [{ name: `${WEB}|version=v1`, weight: { value: 80 } }, { name: `${WEB}|version=v2`, weight: { value: 20 } }] });
    expect(routes[4]).toMatchObject({ match: { prefix: '' }, route: { cluster: WEB } });
  });

  it('maps timeout, retries, fault injection, header edits and mirroring, and adds the fault filter before the router', () => {
    const route = trafficRoute('r', 'web', [{
      backends: [{ service: 'web' }],
      timeout: '1.5s',
      retries: { attempts: 3, perTryTimeout: '250ms', retryOn: ['5xx', 'connect-failure'], budgetPercent: 20 },
      fault: { delay: { fixedDelay: '2s', percent: 10 }, abort: { httpStatus: 503, percent: 5 } },
      headers: { request: { set: { 'x-env': 'prod' }, add: { 'x-via': 'cairn' }, remove: ['x-secret'] }, response: { remove: ['server'] } },
      mirror: { service: 'shadow', percent: 25 },
    }]);
    const set = buildServiceResources(service('web'), storeOf(['TrafficRoute', route]), 'cluster.local');
    const [rule] = routesOf(set);
    expect(rule!.route).toMatchObject({
      cluster: WEB,
      timeout: { seconds: '1', nanos: 500_000_000 },
      max_stream_duration: { max_stream_duration: { seconds: '1', nanos: 500_000_000 } },
      retry_policy: { retry_on: '5xx,internal,unavailable,connect-failure', num_retries: { value: 3 }, per_try_timeout: { seconds: '0', nanos: 250_000_000 } },
      request_mirror_policies: [{ cluster: 'shadow.shop.svc.cluster.local:80', runtime_fraction: { default_value: { numerator: 25, denominator: 'HUNDRED' } } }],
    });
    expect(rule).toMatchObject({
      request_headers_to_add: [
        { header: { key: 'x-env', value: 'prod' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
        { header: { key: 'x-via', value: 'cairn' }, append_action: 'APPEND_IF_EXISTS_OR_ADD' },
      ],
      request_headers_to_remove: ['x-secret'],
      response_headers_to_remove: ['server'],
      typed_per_filter_config: { 'envoy.filters.http.fault': {
        '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
        delay: { fixed_delay: { seconds: '2', nanos: 0 }, percentage: { numerator: 10, denominator: 'HUNDRED' } },
        abort: { http_status: 503, percentage: { numerator: 5, denominator: 'HUNDRED' } },
      } },
    });
    expect(filterNames(set)).toEqual(['envoy.filters.http.fault', 'envoy.filters.http.router']);
    expect(filterNames(buildServiceResources(service('web'), storeOf(), 'cluster.local'))).toEqual(['envoy.filters.http.router']);
  });

  it('leaves out a retry policy with zero attempts (gRPC refuses num_retries 0) and defaults the conditions', () => {
    const none = trafficRoute('r', 'web', [{ backends: [{ service: 'web' }], retries: { attempts: 0 } }]);
    expect(routesOf(buildServiceResources(service('web'), storeOf(['TrafficRoute', none]), 'cluster.local'))[0]!.route.retry_policy).toBeUndefined();
    const defaults = trafficRoute('r', 'web', [{ backends: [{ service: 'web' }], retries: {} }]);
    expect(routesOf(buildServiceResources(service('web'), storeOf(['TrafficRoute', defaults]), 'cluster.local'))[0]!.route.retry_policy)
      .toEqual({ retry_on: '5xx,internal,unavailable,reset,connect-failure', num_retries: { value: 1 } });
  });

  it("resolves another Service's port by number, then name, then its only port", () => {
    const route = trafficRoute('r', 'web', [{ backends: [{ service: 'api', weight: 50 }, { service: 'legacy', weight: 50 }] }]);
    const store = storeOf(['TrafficRoute', route],
      ['Service', service('api', [{ name: 'metrics', port: 9090 }, { name: 'grpc', port: 7000 }])],
      ['Service', service('legacy', [{ name: 'other', port: 6000 }])]);
    const clusters = (routesOf(buildServiceResources(service('web'), store, 'cluster.local'))[0]!.route.weighted_clusters as { clusters: { name: string }[] }).clusters;
    expect(clusters.map((c) => c.name)).toEqual(['api.shop.svc.cluster.local:7000', 'legacy.shop.svc.cluster.local:6000']);
  });

  it('hashes on what the backends’ consistent-hash DestinationPolicies name', () => {
    const route = trafficRoute('r', 'web', [{ match: { path: { prefix: '/a' } }, backends: [{ service: 'api' }] }]);
    const store = storeOf(['TrafficRoute', route],
      ['DestinationPolicy', destinationPolicy('web', { service: 'web', loadBalancer: { policy: 'RingHash', hashOn: { sourceIP: true } } })],
      ['DestinationPolicy', destinationPolicy('api', { service: 'api', loadBalancer: { policy: 'Maglev', hashOn: { header: 'x-user' } } })]);
    const routes = routesOf(buildServiceResources(service('web'), store, 'cluster.local'));
    expect(routes[0]!.route.hash_policy).toEqual([{ header: { header_name: 'x-user' } }]);
    expect(routes[1]!.route.hash_policy).toEqual([{ connection_properties: { source_ip: true } }]);
  });

  it('follows the oldest TrafficRoute when several name the Service', () => {
    const older = trafficRoute('b-older', 'web', [{ backends: [{ service: 'api' }] }], '2026-01-01T00:00:00Z');
    const newer = trafficRoute('a-newer', 'web', [{ backends: [{ service: 'other' }] }], '2026-02-01T00:00:00Z');
    const routes = routesOf(buildServiceResources(service('web'), storeOf(['TrafficRoute', newer], ['TrafficRoute', older], ['Endpoints', endpoints('web', {})]), 'cluster.local'));
    expect(routes[0]!.route.cluster).toBe('api.shop.svc.cluster.local:80');
  });
});
