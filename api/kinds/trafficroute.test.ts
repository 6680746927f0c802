import { describe, expect, it } from '@jest/globals';
import type { TrafficRoute } from '../types/mesh.js';
import { create, errorAt, paths, update } from './testing/helpers.js';
import { trafficRouteStrategy } from './trafficroute.js';

function tr(spec: unknown, name = 'reviews'): TrafficRoute {
  return { apiVersion: 'mesh.cairn.dev/v1alpha1', kind: 'TrafficRoute', metadata: { name, namespace: 'default' }, spec: spec as TrafficRoute['spec'] };
}

const one = { backends: [{ service: 'reviews' }] };

describe('TrafficRoute', () => {
  it('accepts a route using every feature', () => {
    const route = tr({
      service: 'reviews',
      rules: [
        {
          match: { path: { prefix: '/api' }, headers: [{ name: 'x-user', exact: 'jason' }, { name: 'x-debug', present: true }, { name: 'x-ab', regex: '^b+$' }], methods: ['GET', 'POST'] },
          backends: [{ service: 'reviews', subset: { labels: { version: 'v2' } }, weight: 90 }, { service: 'reviews-canary', weight: 10 }],
          timeout: '1.5s',
          retries: { attempts: 3, perTryTimeout: '250ms', retryOn: ['5xx', 'reset', 'connect-failure', 'retriable-4xx', 'gateway-error'], budgetPercent: 20 },
          fault: { delay: { fixedDelay: '1h2m3.5s', percent: 5 }, abort: { httpStatus: 503, percent: 1 } },
          headers: { request: { set: { 'x-route': 'a' }, add: { 'x-trace': '1' }, remove: ['cookie'] }, response: { remove: ['server'] } },
          mirror: { service: 'reviews-shadow', percent: 50 },
        },
        { match: { path: { regex: '^/v[0-9]+/.*' } }, backends: [{ service: 'reviews' }] },
        { backends: [{ service: 'reviews', weight: 0 }, { service: 'ratings', weight: 100 }] },
      ],
    });
    expect(create(trafficRouteStrategy, route)).toEqual([]);
  });

  it('gives a lone backend weight 100 and drops a client-set status on create', () => {
    const route = tr({ service: 'reviews', rules: [one] });
    route.status = { conditions: [] };
    expect(create(trafficRouteStrategy, route)).toEqual([]);
    expect(route.spec.rules[0]!.backends[0]!.weight).toBe(100);
    expect(route.status).toBeUndefined();
  });

  const r = (rule: object): unknown => ({ service: 'reviews', rules: [rule] });
  const cases: [string, unknown, string, RegExp][] = [
    ['no spec.service', { rules: [one] }, 'spec.service', /Required value: name the Service/],
    ['a bad service name', { service: 'Reviews_1', rules: [one] }, 'spec.service', /lowercase.*use the name of a Service/],
    ['no rules', { service: 'reviews' }, 'spec.rules', /at least one rule/],
    ['an unknown spec field', { service: 'reviews', rules: [one], hosts: [] }, 'spec.hosts', /unknown field "hosts"/],
    ['a rule without backends', r({}), 'spec.rules[0].backends', /at least one backend/],
    ['empty backends', r({ backends: [] }), 'spec.rules[0].backends', /at least one backend/],
    ['weights not summing to 100', r({ backends: [{ service: 'a', weight: 60 }, { service: 'b', weight: 30 }] }), 'spec.rules[0].backends', /must sum to 100 \(they sum to 90\)/],
    ['a missing weight among several', r({ backends: [{ service: 'a', weight: 100 }, { service: 'b' }] }), 'spec.rules[0].backends[1].weight', /give every backend a weight/],
    ['a weight over 100', r({ backends: [{ service: 'a', weight: 101 }] }), 'spec.rules[0].backends[0].weight', /between 0 and 100/],
    ['a backend without service', r({ backends: [{ weight: 100 }] }), 'spec.rules[0].backends[0].service', /Required/],
    ['a subset without labels', r({ backends: [{ service: 'a', subset: {} }] }), 'spec.rules[0].backends[0].subset.labels', /give the pod labels/],
    ['a bad subset label', r({ backends: [{ service: 'a', subset: { labels: { version: 'v 2' } } }] }), 'spec.rules[0].backends[0].subset.labels', /Invalid value: "v 2"/],
    ['two path match kinds', r({ ...one, match: { path: { prefix: '/a', exact: '/a' } } }), 'spec.rules[0].match.path', /exactly one of `exact`, `prefix`, `regex`/],
    ['a relative path', r({ ...one, match: { path: { exact: 'api' } } }), 'spec.rules[0].match.path.exact', /starting with "\/"/],
    ['a regex that does not compile', r({ ...one, match: { path: { regex: '(' } } }), 'spec.rules[0].match.path.regex', /valid regular expression/],
    ['a header match without name', r({ ...one, match: { headers: [{ exact: 'x' }] } }), 'spec.rules[0].match.headers[0].name', /name the header/],
    ['a header match with no condition', r({ ...one, match: { headers: [{ name: 'x' }] } }), 'spec.rules[0].match.headers[0]', /exactly one of `exact`, `prefix`, `regex`, `present`/],
    ['a bad header regex', r({ ...one, match: { headers: [{ name: 'x', regex: '[' }] } }), 'spec.rules[0].match.headers[0].regex', /valid regular expression/],
    ['a bad header name', r({ ...one, match: { headers: [{ name: 'x y', exact: '1' }] } }), 'spec.rules[0].match.headers[0].name', /HTTP header name/],
    ['an unknown method', r({ ...one, match: { methods: ['FETCH'] } }), 'spec.rules[0].match.methods[0]', /supported values: "GET"/],
    ['a repeated method', r({ ...one, match: { methods: ['GET', 'GET'] } }), 'spec.rules[0].match.methods[1]', /Duplicate value/],
    ['a timeout without unit', r({ ...one, timeout: '10' }), 'spec.rules[0].timeout', /missing unit after "10".*"250ms"/],
    ['a zero timeout', r({ ...one, timeout: '0s' }), 'spec.rules[0].timeout', /must be greater than 0/],
    ['too many attempts', r({ ...one, retries: { attempts: 11 } }), 'spec.rules[0].retries.attempts', /between 0 and 10/],
    ['a bad perTryTimeout', r({ ...one, retries: { perTryTimeout: '1x' } }), 'spec.rules[0].retries.perTryTimeout', /invalid duration/],
    ['an unknown retryOn', r({ ...one, retries: { retryOn: ['timeout'] } }), 'spec.rules[0].retries.retryOn[0]', /supported values: "5xx", "reset"/],
    ['a budget over 100', r({ ...one, retries: { budgetPercent: 150 } }), 'spec.rules[0].retries.budgetPercent', /between 0 and 100/],
    ['an empty fault', r({ ...one, fault: {} }), 'spec.rules[0].fault', /set `delay`, `abort` or both/],
    ['a delay without fixedDelay', r({ ...one, fault: { delay: { percent: 5 } } }), 'spec.rules[0].fault.delay.fixedDelay', /Required value: must be a duration/],
    ['a delay percent over 100', r({ ...one, fault: { delay: { fixedDelay: '1s', percent: 101 } } }), 'spec.rules[0].fault.delay.percent', /between 0 and 100/],
    ['an abort status out of range', r({ ...one, fault: { abort: { httpStatus: 700, percent: 1 } } }), 'spec.rules[0].fault.abort.httpStatus', /between 200 and 599/],
    ['an abort without percent', r({ ...one, fault: { abort: { httpStatus: 503 } } }), 'spec.rules[0].fault.abort.percent', /set a percentage/],
    ['a bad header to set', r({ ...one, headers: { request: { set: { 'bad header': 'v' } } } }), 'spec.rules[0].headers.request.set[bad header]', /HTTP header name/],
    ['a non-string header value', r({ ...one, headers: { response: { add: { 'x-a': 1 } } } }), 'spec.rules[0].headers.response.add[x-a]', /must be a string/],
    ['an unknown header edit', r({ ...one, headers: { request: { append: {} } } }), 'spec.rules[0].headers.request.append', /unknown field/],
    ['a mirror without service', r({ ...one, mirror: { percent: 10 } }), 'spec.rules[0].mirror.service', /Required/],
    ['a mirror percent over 100', r({ ...one, mirror: { service: 'a', percent: 200 } }), 'spec.rules[0].mirror.percent', /between 0 and 100/],
  ];
  it.each(cases)('rejects %s', (_name, spec, path, message) => {
    const errs = create(trafficRouteStrategy, tr(spec));
    expect(errorAt(errs, path)?.message).toMatch(message);
  });

  it('allows changing rules on update but not the name', () => {
    const old = tr({ service: 'reviews', rules: [one] });
    expect(create(trafficRouteStrategy, old)).toEqual([]);
    expect(update(trafficRouteStrategy, tr({ service: 'reviews', rules: [one, one] }), old)).toEqual([]);
    expect(paths(update(trafficRouteStrategy, tr({ service: 'reviews', rules: [one] }, 'other'), old))).toEqual(['metadata.name']);
  });
});
