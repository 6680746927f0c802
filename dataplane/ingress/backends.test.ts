import { describe, it, expect } from '@jest/globals';
import type { Endpoints, Service } from '../../api/types/core.js';
import { RoundRobin, readyUpstreams } from './backends.js';

const svc: Service = {
  metadata: { name: 'web', namespace: 'default' },
  spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'admin', port: 9000, targetPort: 'admin', protocol: 'TCP' }] },
};
const eps: Endpoints = {
  metadata: { name: 'web', namespace: 'default' },
  subsets: [
    { addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.7' }], notReadyAddresses: [{ ip: '10.244.3.9' }], ports: [{ name: 'http', port: 8080 }, { name: 'admin', port: 9901 }] },
    { addresses: [{ ip: '10.244.4.2' }], ports: [{ name: 'http', port: 8081 }] },
  ],
};

describe('readyUpstreams', () => {
  it('resolves a service port by number to the same-named endpoint port of ready addresses only', () => {
    expect(readyUpstreams(svc, eps, { number: 80 })).toEqual([
      { host: '10.244.1.5', port: 8080 }, { host: '10.244.2.7', port: 8080 }, { host: '10.244.4.2', port: 8081 },
    ]);
  });

  it('resolves a service port by name', () => {
    expect(readyUpstreams(svc, eps, { name: 'admin' })).toEqual([{ host: '10.244.1.5', port: 9901 }, { host: '10.244.2.7', port: 9901 }]);
  });

  it('has nothing for an unknown port, a missing service or missing endpoints', () => {
    expect(readyUpstreams(svc, eps, { number: 81 })).toEqual([]);
    expect(readyUpstreams(undefined, eps, { number: 80 })).toEqual([]);
    expect(readyUpstreams(svc, undefined, { number: 80 })).toEqual([]);
  });

  it('matches a lone unnamed port', () => {
    const one: Service = { metadata: { name: 'x' }, spec: { ports: [{ port: 80, targetPort: 8080 }] } };
    const ep: Endpoints = { metadata: { name: 'x' }, subsets: [{ addresses: [{ ip: '10.244.1.1' }], ports: [{ port: 8080 }] }] };
    expect(readyUpstreams(one, ep, { number: 80 })).toEqual([{ host: '10.244.1.1', port: 8080 }]);
  });
});

describe('RoundRobin', () => {
  it('cycles through choices per key', () => {
    const rr = new RoundRobin();
    const seen = [1, 2, 3, 4].map(() => rr.pick('a', ['x', 'y', 'z']));
    expect(seen).toEqual(['x', 'y', 'z', 'x']);
    expect(rr.pick('b', ['x', 'y'])).toBe('x');
    expect(rr.pick('a', [])).toBeUndefined();
  });
});
