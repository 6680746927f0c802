import { describe, it, expect } from '@jest/globals';
import type { ApiObject } from '../meta.js';
import { buildTable } from './table.js';
import type { Table } from './types.js';

const now = new Date('2024-05-01T12:00:00Z');
const daysAgo = (d: number): string => new Date(now.getTime() - d * 86_400_000).toISOString();

function rows(kind: string, objects: ApiObject[]): Record<string, unknown>[] {
  const t: Table = buildTable(kind, objects, { now, includeObject: 'None' });
  return t.rows.map((r) => Object.fromEntries(t.columnDefinitions.map((c, j) => [c.name, r.cells[j]])));
}

describe('Service table', () => {
  it('shows a NodePort service with node ports and its selector', () => {
    const svc = {
      kind: 'Service',
      metadata: { name: 'shop', creationTimestamp: daysAgo(3) },
      spec: {
        type: 'NodePort',
        clusterIP: '10.96.0.20',
        clusterIPs: ['10.96.0.20'],
        selector: { tier: 'front', app: 'shop' },
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 },
          { name: 'https', port: 443, protocol: 'TCP', nodePort: 30443 },
          { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
        ],
      },
    };
    expect(rows('Service', [svc])[0]).toEqual({
      Name: 'shop',
      Type: 'NodePort',
      'Cluster-IP': '10.96.0.20',
      'External-IP': '<none>',
      'Port(s)': '80:30080/TCP,443:30443/TCP,53:30053/UDP',
      Age: '3d',
      Selector: 'app=shop,tier=front',
    });
  });

  it('shows ClusterIP ports without node ports, and <pending> for a load balancer without ingress', () => {
    const [plain, lb, headless] = rows('Service', [
      { kind: 'Service', metadata: { name: 'api' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.5', ports: [{ port: 8080 }] } },
      { kind: 'Service', metadata: { name: 'edge' }, spec: { type: 'LoadBalancer', clusterIP: '10.96.0.6', ports: [{ port: 443, protocol: 'TCP', nodePort: 31000 }] } },
      { kind: 'Service', metadata: { name: 'db' }, spec: { type: 'ClusterIP', clusterIP: 'None' } },
    ]);
    expect(plain).toMatchObject({ 'Port(s)': '8080/TCP', 'External-IP': '<none>', Selector: '<none>' });
    expect(lb).toMatchObject({ 'External-IP': '<pending>', 'Port(s)': '443:31000/TCP' });
    expect(headless).toMatchObject({ 'Cluster-IP': 'None', 'Port(s)': '<none>' });
  });

  it('lists load-balancer ingress addresses sorted, then external IPs', () => {
    const [lb] = rows('Service', [{
      kind: 'Service',
      metadata: { name: 'edge' },
      spec: { type: 'LoadBalancer', externalIPs: ['192.0.2.9'], ports: [{ port: 80 }] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }] } },
    }]);
    expect(lb['External-IP']).toBe('203.0.113.7,lb.example.com,192.0.2.9');
  });
});

describe('Node table', () => {
  const node = {
    kind: 'Node',
    metadata: {
      name: 'worker-2',
      creationTimestamp: daysAgo(12),
      labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/gpu': '', 'kubernetes.io/hostname': 'worker-2' },
    },
    spec: { unschedulable: true },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' },
      ],
      addresses: [{ type: 'Hostname', address: 'worker-2' }, { type: 'InternalIP', address: '10.0.0.12' }],
      nodeInfo: { kubeletVersion: 'v1.30.1-cairn', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'cairn://0.1.0' },
    },
  };

  it('shows a NotReady, cordoned node with its roles and wide details', () => {
    expect(rows('Node', [node])[0]).toEqual({
      Name: 'worker-2',
      Status: 'NotReady,SchedulingDisabled',
      Roles: 'gpu,worker',
      Age: '12d',
      Version: 'v1.30.1-cairn',
      'Internal-IP': '10.0.0.12',
      'External-IP': '<none>',
      'OS-Image': 'Debian GNU/Linux 12',
      'Kernel-Version': '6.1.0',
      'Container-Runtime': 'cairn://0.1.0',
    });
  });

  it('shows Ready with <none> roles, and Unknown before the first heartbeat', () => {
    const [ready, fresh] = rows('Node', [
      { kind: 'Node', metadata: { name: 'a', labels: { 'kubernetes.io/role': 'edge' } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      { kind: 'Node', metadata: { name: 'b' } },
    ]);
    expect(ready).toMatchObject({ Status: 'Ready', Roles: 'edge' });
    expect(fresh).toMatchObject({ Status: 'Unknown', Roles: '<none>', 'OS-Image': '<unknown>' });
  });
});

describe('workload tables', () => {
  const template = {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }, { name: 'log', image: 'fluent-bit:3' }] },
  };

  it('shows a deployment with 2 of 3 replicas ready', () => {
    const dep = {
      kind: 'Deployment',
      metadata: { name: 'web', creationTimestamp: daysAgo(1) },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'canary'] }] }, template },
      status: { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 },
    };
    expect(rows('Deployment', [dep])[0]).toEqual({
      Name: 'web',
      Ready: '2/3',
      'Up-to-date': 3,
      Available: 2,
      Age: '24h',
      Containers: 'app,log',
      Images: 'nginx:1.25,fluent-bit:3',
      Selector: 'app=web,env in (canary,prod)',
    });
  });

  it('shows a fresh deployment with no status as 0 of desired', () => {
    const [d] = rows('Deployment', [{ kind: 'Deployment', metadata: { name: 'new' }, spec: { replicas: 5, selector: {}, template } }]);
    expect(d).toMatchObject({ Ready: '0/5', 'Up-to-date': 0, Available: 0, Selector: '<none>' });
  });

  it('shows replica set counts', () => {
    const rs = {
      kind: 'ReplicaSet',
      metadata: { name: 'web-5d8f', creationTimestamp: daysAgo(1) },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d8f' } }, template },
      status: { replicas: 2, readyReplicas: 1 },
    };
    expect(rows('ReplicaSet', [rs])[0]).toMatchObject({ Desired: 3, Current: 2, Ready: 1, Selector: 'app=web,pod-template-hash=5d8f' });
  });
});

describe('other kinds', () => {
  it('abbreviates long endpoint lists', () => {
    const ep = {
      kind: 'Endpoints',
      metadata: { name: 'web' },
      subsets: [{ addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map((ip) => ({ ip })), ports: [{ port: 80 }] }],
    };
    expect(rows('Endpoints', [ep])[0].Endpoints).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...');
    expect(rows('Endpoints', [{ kind: 'Endpoints', metadata: { name: 'none' } }])[0].Endpoints).toBe('<none>');
    const v6 = { kind: 'Endpoints', metadata: { name: 'v6' }, subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 443 }] }] };
    expect(rows('Endpoints', [v6])[0].Endpoints).toBe('[fd00::1]:443');
  });

  it('counts ConfigMap and Secret keys without exposing values', () => {
    const [cm] = rows('ConfigMap', [{ kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }]);
    expect(cm).toMatchObject({ Name: 'cfg', Data: 3 });
    const secret = { kind: 'Secret', metadata: { name: 'db' }, type: 'Opaque', data: { password: Buffer.from('s3cr3t-value').toString('base64') } };
    const [s] = rows('Secret', [secret]);
    expect(s).toMatchObject({ Name: 'db', Type: 'Opaque', Data: 1 });
    expect(JSON.stringify(Object.values(s))).not.toContain(secret.data.password);
  });

  it('shows namespaces, leases and priority classes', () => {
    expect(rows('Namespace', [{ kind: 'Namespace', metadata: { name: 'shop' }, status: { phase: 'Terminating' } }])[0]).toMatchObject({ Status: 'Terminating' });
    expect(rows('Lease', [{ kind: 'Lease', metadata: { name: 'scheduler' }, spec: { holderIdentity: 'cp-1_abc' } }])[0]).toMatchObject({ Holder: 'cp-1_abc' });
    const [pc] = rows('PriorityClass', [{ kind: 'PriorityClass', metadata: { name: 'critical' }, value: 1000000, globalDefault: true, preemptionPolicy: 'Never' }]);
    expect(pc).toMatchObject({ Value: 1000000, 'Global-Default': true, PreemptionPolicy: 'Never' });
  });

  it('shows events as kubectl get events does', () => {
    const ev = {
      kind: 'Event',
      metadata: { name: 'web-1.17c' },
      involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' },
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container\n',
      count: 12,
      firstTimestamp: new Date(now.getTime() - 3600_000).toISOString(),
      lastTimestamp: new Date(now.getTime() - 30_000).toISOString(),
      source: { component: 'kubelet', host: 'node-a' },
    };
    expect(rows('Event', [ev])[0]).toEqual({
      'Last Seen': '30s',
      Type: 'Warning',
      Reason: 'BackOff',
      Object: 'pod/web-1',
      Subobject: 'spec.containers{app}',
      Source: 'kubelet, node-a',
      Message: 'Back-off restarting failed container',
      'First Seen': '60m',
      Count: 12,
      Name: 'web-1.17c',
    });
  });

  it('falls back to NAME and AGE for other kinds', () => {
    const t = buildTable('Widget', [{ kind: 'Widget', metadata: { name: 'w', creationTimestamp: daysAgo(400) } }], { now, includeObject: 'None' });
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Age']);
    expect(t.rows[0].cells).toEqual(['w', '400d']);
  });
});
