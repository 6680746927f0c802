import { describe, expect, it } from '@jest/globals';
import type { DestinationPolicy } from '../types/mesh.js';
import { destinationPolicyStrategy } from './destinationpolicy.js';
import { create, errorAt } from './testing/helpers.js';

function dp(spec: unknown): DestinationPolicy {
  return { apiVersion: 'mesh.cairn.dev/v1alpha1', kind: 'DestinationPolicy', metadata: { name: 'reviews', namespace: 'default' }, spec: spec as DestinationPolicy['spec'] };
}

describe('DestinationPolicy', () => {
  it.each([
    ['a bare service', { service: 'reviews' }],
    ['every section', {
      service: 'reviews',
      loadBalancer: { policy: 'LeastRequest' },
      connectionPool: { maxConnections: 100, maxPendingRequests: 10, maxRequests: 1000, maxRetries: 3 },
      outlierDetection: { consecutive5xx: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      tls: { mode: 'Mutual' },
    }],
    ['RingHash on a header', { service: 'reviews', loadBalancer: { policy: 'RingHash', hashOn: { header: 'x-user' } } }],
    ['Maglev on the source IP', { service: 'reviews', loadBalancer: { policy: 'Maglev', hashOn: { sourceIP: true } } }],
  ])('accepts %s', (_name, spec) => {
    expect(create(destinationPolicyStrategy, dp(spec))).toEqual([]);
  });

  const cases: [string, unknown, string, RegExp][] = [
    ['no service', { tls: { mode: 'Disable' } }, 'spec.service', /Required value: name the Service/],
    ['an unknown policy', { service: 's', loadBalancer: { policy: 'Random' } }, 'spec.loadBalancer.policy', /supported values: "RoundRobin", "LeastRequest", "RingHash", "Maglev"/],
    ['a loadBalancer without policy', { service: 's', loadBalancer: {} }, 'spec.loadBalancer.policy', /choose one of RoundRobin/],
    ['RingHash without hashOn', { service: 's', loadBalancer: { policy: 'RingHash' } }, 'spec.loadBalancer.hashOn', /RingHash needs a hash key/],
    ['Maglev without hashOn', { service: 's', loadBalancer: { policy: 'Maglev' } }, 'spec.loadBalancer.hashOn', /Maglev needs a hash key/],
    ['hashOn with RoundRobin', { service: 's', loadBalancer: { policy: 'RoundRobin', hashOn: { sourceIP: true } } }, 'spec.loadBalancer.hashOn', /Forbidden: only RingHash and Maglev/],
    ['hashOn with both keys', { service: 's', loadBalancer: { policy: 'Maglev', hashOn: { header: 'x', sourceIP: true } } }, 'spec.loadBalancer.hashOn', /exactly one of `header`, `sourceIP`/],
    ['hashOn with sourceIP false', { service: 's', loadBalancer: { policy: 'Maglev', hashOn: { sourceIP: false } } }, 'spec.loadBalancer.hashOn.sourceIP', /must be true/],
    ['a zero maxConnections', { service: 's', connectionPool: { maxConnections: 0 } }, 'spec.connectionPool.maxConnections', /greater than 0/],
    ['a fractional maxRequests', { service: 's', connectionPool: { maxRequests: 1.5 } }, 'spec.connectionPool.maxRequests', /must be an integer/],
    ['a negative maxRetries', { service: 's', connectionPool: { maxRetries: -1 } }, 'spec.connectionPool.maxRetries', /greater than 0/],
    ['a zero maxPendingRequests', { service: 's', connectionPool: { maxPendingRequests: 0 } }, 'spec.connectionPool.maxPendingRequests', /greater than 0/],
    ['zero consecutive5xx', { service: 's', outlierDetection: { consecutive5xx: 0 } }, 'spec.outlierDetection.consecutive5xx', /greater than 0/],
    ['a bad interval', { service: 's', outlierDetection: { interval: '10 seconds' } }, 'spec.outlierDetection.interval', /invalid duration/],
    ['a bad baseEjectionTime', { service: 's', outlierDetection: { baseEjectionTime: 30 } }, 'spec.outlierDetection.baseEjectionTime', /must be a duration/],
    ['maxEjectionPercent over 100', { service: 's', outlierDetection: { maxEjectionPercent: 101 } }, 'spec.outlierDetection.maxEjectionPercent', /between 0 and 100/],
    ['an unknown tls mode', { service: 's', tls: { mode: 'Simple' } }, 'spec.tls.mode', /supported values: "Disable", "Mutual"/],
    ['tls without mode', { service: 's', tls: {} }, 'spec.tls.mode', /choose one of Disable, Mutual/],
    ['an unknown pool field', { service: 's', connectionPool: { maxStreams: 1 } }, 'spec.connectionPool.maxStreams', /unknown field/],
  ];
  it.each(cases)('rejects %s', (_name, spec, path, message) => {
    expect(errorAt(create(destinationPolicyStrategy, dp(spec)), path)?.message).toMatch(message);
  });
});
