import { describe, expect, it } from '@jest/globals';
import { parseResourceRequest } from './request-info.js';

const parse = (method: string, path: string) => {
  const r = parseResourceRequest(method, new URL(path, 'https://x'));
  return r && { group: r.group, version: r.version, resource: r.resource, namespace: r.namespace, name: r.name, subresource: r.subresource, verb: r.verb };
};

describe('parseResourceRequest', () => {
  it.each([
    ['GET', '/api/v1/pods', { group: '', version: 'v1', resource: 'pods', verb: 'list' }],
    ['GET', '/api/v1/namespaces/ns1/pods/p?watch=true', { resource: 'pods', namespace: 'ns1', name: 'p', verb: 'watch' }],
    ['GET', '/api/v1/watch/namespaces/ns1/pods', { resource: 'pods', namespace: 'ns1', verb: 'watch' }],
    ['GET', '/api/v1/namespaces/ns1', { resource: 'namespaces', name: 'ns1', verb: 'get' }],
    ['PUT', '/api/v1/namespaces/ns1/finalize', { resource: 'namespaces', name: 'ns1', subresource: 'finalize', verb: 'update' }],
    ['PUT', '/api/v1/namespaces/ns1/status', { resource: 'namespaces', name: 'ns1', subresource: 'status', verb: 'update' }],
    ['POST', '/api/v1/namespaces/ns1/pods/p/binding', { resource: 'pods', namespace: 'ns1', name: 'p', subresource: 'binding', verb: 'create' }],
    ['PATCH', '/apis/apps/v1/namespaces/d/deployments/web/scale', { group: 'apps', resource: 'deployments', subresource: 'scale', verb: 'patch' }],
    ['DELETE', '/api/v1/namespaces/d/configmaps', { resource: 'configmaps', namespace: 'd', verb: 'deletecollection' }],
  ])('%s %s', (method, path, expected) => {
    expect(parse(method, path)).toMatchObject(expected);
  });

  it('is undefined for non-resource paths and too-deep paths', () => {
    expect(parse('GET', '/healthz')).toBeUndefined();
    expect(parse('GET', '/api')).toBeUndefined();
    expect(parse('GET', '/api/v1/namespaces/a/pods/b/status/extra')).toBeUndefined();
    expect(parse('OPTIONS', '/api/v1/pods')).toBeUndefined();
  });
});
