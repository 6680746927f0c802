import { describe, expect, it } from '@jest/globals';
import type { Node } from '../../api/types/core.js';
import { desiredNodeRoutes, NODE_NETWORK_IP_ANNOTATION } from './node-routes.js';

function node(name: string, podCIDR?: string, internalIP?: string, annotated?: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, ...(annotated ? { annotations: { [NODE_NETWORK_IP_ANNOTATION]: annotated } } : {}) },
    spec: podCIDR ? { podCIDR } : {},
    status: internalIP ? { addresses: [{ type: 'InternalIP', address: internalIP }] } : {},
  };
}

describe('desiredNodeRoutes', () => {
  it('routes every other node\'s podCIDR via its address, preferring the pod-network annotation', () => {
    const routes = desiredNodeRoutes([
      node('self', '10.244.0.0/24', '192.168.1.1'),
      node('a', '10.244.1.0/24', '192.168.1.2'),
      node('b', '10.244.2.0/24', '127.0.0.1', '172.30.0.12'),
      node('no-cidr-yet', undefined, '192.168.1.4'),
      node('no-address', '10.244.4.0/24'),
      node('injected', '10.244.5.0/24', '10.0.0.9\nnetns add x'),
      node('bad-cidr', '10.244.6.0/24 via 1.2.3.4', '192.168.1.6'),
    ], 'self');
    expect([...routes]).toEqual([['10.244.1.0/24', '192.168.1.2'], ['10.244.2.0/24', '172.30.0.12']]);
  });
});
