import { describe, it, expect } from '@jest/globals';
import type { Endpoints, Event } from '../types/core.js';
import type { Lease } from '../types/apps.js';
import { endpointsStrategy } from './endpoints.js';
import { eventStrategy } from './event.js';
import { leaseStrategy } from './lease.js';
import { create, errorAt, paths } from './testing/helpers.js';

/** An event as client-go's recorder writes it. */
function podEvent(): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-1.17a2b3c4d5e6f7a8', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: '1b2c', apiVersion: 'v1', fieldPath: 'spec.containers{nginx}' },
    reason: 'Pulled',
    message: 'Successfully pulled image "nginx:1.27"',
    type: 'Normal',
    count: 1,
    source: { component: 'kubelet', host: 'worker-1' },
    firstTimestamp: '2024-05-01T10:00:00Z',
    lastTimestamp: '2024-05-01T10:00:00Z',
    reportingComponent: 'kubelet',
    reportingInstance: 'worker-1',
  };
}

describe('Event', () => {
  it('accepts a recorder-style event', () => {
    expect(create(eventStrategy, podEvent())).toEqual([]);
  });

  it('accepts an event about a cluster-scoped object in the default namespace', () => {
    const e = podEvent();
    e.involvedObject = { kind: 'Node', name: 'worker-1', uid: 'worker-1' };
    expect(create(eventStrategy, e)).toEqual([]);
  });

  it.each([
    ['no involvedObject', (e: Event) => { delete (e as Partial<Event>).involvedObject; }, 'involvedObject', /Required/],
    ['an involvedObject without kind', (e: Event) => { delete e.involvedObject.kind; }, 'involvedObject.kind', /Required/],
    ['an involvedObject without name', (e: Event) => { delete e.involvedObject.name; }, 'involvedObject.name', /Required/],
    ['an object in another namespace', (e: Event) => { e.involvedObject.namespace = 'kube-system'; }, 'involvedObject.namespace', /does not match event.namespace/],
    ['a cluster object outside default', (e: Event) => { e.involvedObject = { kind: 'Node', name: 'n' }; e.metadata.namespace = 'shop'; }, 'involvedObject.namespace', /does not match/],
    ['an unknown type', (e: Event) => { e.type = 'Error' as 'Normal'; }, 'type', /"Normal", "Warning"/],
    ['a negative count', (e: Event) => { e.count = -1; }, 'count', /greater than or equal to 0/],
    ['an unknown field', (e: Event) => { (e as Record<string, unknown>).severity = 'high'; }, 'severity', /unknown field/],
    ['a new-style event without reporting data', (e: Event) => { e.eventTime = '2024-05-01T10:00:00.000000Z'; delete e.reportingInstance; }, 'reportingInstance', /Required/],
  ])('rejects %s', (_name, patch, path, message) => {
    const e = podEvent();
    patch(e);
    const errs = create(eventStrategy, e);
    expect(paths(errs)).toContain(path);
    expect(errorAt(errs, path)!.message).toMatch(message);
  });

  it('exposes involvedObject, reason, type and source for field selectors', () => {
    const fields = eventStrategy.selectableFields(podEvent());
    expect(fields).toMatchObject({
      'metadata.name': 'web-1.17a2b3c4d5e6f7a8',
      'metadata.namespace': 'default',
      'involvedObject.kind': 'Pod',
      'involvedObject.namespace': 'default',
      'involvedObject.name': 'web-1',
      'involvedObject.uid': '1b2c',
      reason: 'Pulled',
      type: 'Normal',
      source: 'kubelet',
    });
    const bare = podEvent();
    delete bare.involvedObject.uid;
    delete bare.source;
    delete bare.reportingComponent;
    expect(eventStrategy.selectableFields(bare)['involvedObject.uid']).toBe('');
    expect(eventStrategy.selectableFields(bare).source).toBe('');
  });
});

describe('Lease', () => {
  const lease = (spec: Lease['spec']): Lease => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'worker-1', namespace: 'kube-node-lease' }, spec });

  it('accepts a node heartbeat lease', () => {
    expect(create(leaseStrategy, lease({ holderIdentity: 'worker-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.000000Z' }))).toEqual([]);
  });

  it.each([
    [0, /greater than 0/],
    [-5, /greater than 0/],
    [1.5, /integer/],
  ])('rejects leaseDurationSeconds %p', (value, message) => {
    expect(errorAt(create(leaseStrategy, lease({ leaseDurationSeconds: value })), 'spec.leaseDurationSeconds')?.message).toMatch(message);
  });

  it('rejects unknown spec fields and negative transitions', () => {
    expect(paths(create(leaseStrategy, lease({ holder: 'x', leaseTransitions: -1 } as never)))).toEqual(expect.arrayContaining(['spec.holder', 'spec.leaseTransitions']));
  });
});

describe('Endpoints', () => {
  const ep = (subsets: Endpoints['subsets']): Endpoints => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets });

  it('accepts controller-written endpoints and defaults port protocol', () => {
    const e = ep([{
      addresses: [{ ip: '10.244.1.5', nodeName: 'worker-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1' } }, { ip: 'fd00::5' }],
      notReadyAddresses: [{ ip: '10.244.2.7' }],
      ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
    }]);
    expect(create(endpointsStrategy, e)).toEqual([]);
    expect(e.subsets![0]!.ports![0]!.protocol).toBe('TCP');
  });

  it.each([
    ['an invalid IP', [{ addresses: [{ ip: '10.244.1.500' }], ports: [{ port: 80 }] }], 'subsets[0].addresses[0].ip'],
    ['the unspecified address', [{ addresses: [{ ip: '0.0.0.0' }], ports: [{ port: 80 }] }], 'subsets[0].addresses[0].ip'],
    ['a hostname with a zone', [{ addresses: [{ ip: 'fe80::1%eth0' }], ports: [{ port: 80 }] }], 'subsets[0].addresses[0].ip'],
    ['a link-local address (a node\'s metadata service)', [{ addresses: [{ ip: '169.254.169.254' }], ports: [{ port: 80 }] }], 'subsets[0].addresses[0].ip'],
    ['an IPv6 link-local address', [{ addresses: [{ ip: 'fe80::1' }], ports: [{ port: 80 }] }], 'subsets[0].addresses[0].ip'],
    ['a link-local multicast address', [{ addresses: [{ ip: '224.0.0.5' }], ports: [{ port: 80 }] }], 'subsets[0].addresses[0].ip'],
    ['a port out of range', [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 0 }] }], 'subsets[0].ports[0].port'],
    ['unnamed ports when there are two', [{ ports: [{ port: 80 }, { name: 'b', port: 81 }] }], 'subsets[0].ports[0].name'],
    ['an unknown address field', [{ addresses: [{ ip: '10.0.0.1', zone: 'a' } as never] }], 'subsets[0].addresses[0].zone'],
  ] as [string, Endpoints['subsets'], string][])('rejects %s', (_name, subsets, path) => {
    expect(paths(create(endpointsStrategy, ep(subsets)))).toContain(path);
  });
});
