import { describe, expect, it } from '@jest/globals';
import type { Node, Pod } from '../../../api/types/core.js';
import { agentEndpoint, logContainer } from './pod-log.js';

const pod = (...names: string[]): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: names.map((name) => ({ name })) } });

describe('pods/log', () => {
  it('needs a container name only when the pod has several', () => {
    expect(logContainer(pod('main'), undefined)).toBe('main');
    expect(logContainer(pod('a', 'b'), 'b')).toBe('b');
    expect(() => logContainer(pod('a', 'b'), undefined)).toThrow('a container name must be specified for pod web, choose one of: [a b]');
    expect(() => logContainer(pod('a'), 'zz')).toThrow('container zz is not valid for pod web');
  });

  it("reaches the agent at the node's InternalIP and reported port", () => {
    const node: Node = {
      apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' },
      status: { addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.0.0.5' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
    };
    expect(agentEndpoint(node)).toEqual({ host: '10.0.0.5', port: 10250 });
    expect(() => agentEndpoint({ ...node, status: {} })).toThrow('node n1 has not reported where its agent listens');
  });
});
