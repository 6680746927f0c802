import { describe, expect, it } from '@jest/globals';
import { authorization, destinationPolicy, endpoints, pod, service, storeOf, trafficRoute } from './testing/mesh-fixtures.js';

const sorted = (s: Set<string>): string[] => [...s].sort();

describe('MeshStore.apply: the Services an object change touches', () => {
  it('a TrafficRoute: its Service and every backend and mirror Service, old and new', () => {
    const store = storeOf();
    const v1 = trafficRoute('r', 'web', [{ backends: [{ service: 'web', subset: { labels: { version: 'v1' } } }], mirror: { service: 'shadow' } }]);
    expect(sorted(store.apply('TrafficRoute', v1, true))).toEqual(['shop/shadow', 'shop/web']);
    const v2 = trafficRoute('r', 'web', [{ backends: [{ service: 'api' }] }]);
    expect(sorted(store.apply('TrafficRoute', v2, true))).toEqual(['shop/api', 'shop/shadow', 'shop/web']);
    expect(sorted(store.apply('TrafficRoute', v2, false))).toEqual(['shop/api', 'shop/web']);
  });

  it('a Pod: the Services whose Endpoints list it, and only when its labels change', () => {
    const store = storeOf(['Endpoints', endpoints('web', { a: '10.0.0.1' })], ['Endpoints', endpoints('api', { a: '10.0.0.1', b: '10.0.0.2' })]);
    expect(sorted(store.apply('Pod', pod('a', { version: 'v1' }), true))).toEqual(['shop/api', 'shop/web']);
    expect(sorted(store.apply('Pod', pod('a', { version: 'v1' }), true))).toEqual([]);
    expect(sorted(store.apply('Pod', pod('b', { version: 'v2' }), true))).toEqual(['shop/api']);
    store.apply('Endpoints', endpoints('api', { b: '10.0.0.2' }), true);
    expect(sorted(store.apply('Pod', pod('a', { version: 'v2' }), true))).toEqual(['shop/web']);
    expect(sorted(store.apply('Pod', pod('zzz', { version: 'v2' }), true))).toEqual([]);
  });

  it('a DestinationPolicy: its Service and the Services whose routes send to it (they carry its hash policy)', () => {
    const store = storeOf(['TrafficRoute', trafficRoute('r', 'web', [{ backends: [{ service: 'api' }] }])]);
    expect(sorted(store.apply('DestinationPolicy', destinationPolicy('p', { service: 'api' }), true))).toEqual(['shop/api', 'shop/web']);
  });

  it('a Service: itself and the Services whose routes resolve its ports', () => {
    const store = storeOf(['TrafficRoute', trafficRoute('r', 'web', [{ backends: [{ service: 'api' }] }])]);
    expect(sorted(store.apply('Service', service('api'), true))).toEqual(['shop/api', 'shop/web']);
    expect(sorted(store.apply('Endpoints', endpoints('api', {}), true))).toEqual(['shop/api']);
  });

  it('a MeshAuthorization: its destination, or every Service of the namespace for a default', () => {
    const store = storeOf(['Service', service('web')], ['Service', service('api')], ['Service', service('web', undefined, 'other')]);
    expect(sorted(store.apply('MeshAuthorization', authorization('a', { destination: { service: 'web' }, action: 'Allow', sources: [{ namespace: 'x' }] }), true))).toEqual(['shop/web']);
    expect(sorted(store.apply('MeshAuthorization', authorization('d', { default: 'Deny' }), true))).toEqual(['shop/api', 'shop/web']);
    expect(store.namespaceDefault('shop')).toBe('Deny');
    expect(store.namespaceDefault('other')).toBe('Allow');
  });
});
