import { describe, it, expect } from '@jest/globals';
import type { ApiObject } from '../../api/meta.js';
import { describeObject } from './index.js';

const now = new Date('2024-05-01T12:00:00Z');
const minutesAgo = (m: number): string => new Date(now.getTime() - m * 60_000).toISOString();

/** The value printed after `key:` on the first line starting (after indentation) with it. */
function valueOf(text: string, key: string): string | undefined {
  const line = text.split('\n').find((l) => l.trimStart().startsWith(`${key}:`));
  return line?.trimStart().slice(key.length + 1).trim();
}

const pod: ApiObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d9f-x2k4q',
    namespace: 'shop',
    uid: 'pod-uid',
    creationTimestamp: '2024-05-01T10:00:00Z',
    labels: { 'pod-template-hash': '7d9f', app: 'web' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f', uid: 'rs-uid', controller: true }],
  },
  spec: {
    nodeName: 'node-a',
    serviceAccountName: 'default',
    containers: [
      {
        name: 'app',
        image: 'nginx:1.25',
        ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }],
        resources: { limits: { memory: '256Mi', cpu: '1' }, requests: { cpu: '250m', memory: '128Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
        env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
        volumeMounts: [{ name: 'config', mountPath: '/etc/app', readOnly: true }],
      },
    ],
    volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { operator: 'Exists' },
    ],
  },
  status: {
    phase: 'Running',
    hostIP: '10.0.0.11',
    podIP: '10.244.1.7',
    podIPs: [{ ip: '10.244.1.7' }],
    qosClass: 'Burstable',
    conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }],
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        restartCount: 6,
        image: 'nginx:1.25',
        containerID: 'cairn://c0ffee',
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s' } },
        lastState: { terminated: { exitCode: 2, reason: 'Error', startedAt: '2024-05-01T11:57:00Z', finishedAt: '2024-05-01T11:58:00Z' } },
      },
    ],
  },
};

const podEvents: ApiObject[] = [
  {
    kind: 'Event',
    metadata: { name: 'e-backoff' },
    involvedObject: { kind: 'Pod', name: 'web-7d9f-x2k4q' },
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting failed container app',
    count: 9,
    firstTimestamp: minutesAgo(40),
    lastTimestamp: minutesAgo(1),
    source: { component: 'kubelet', host: 'node-a' },
  },
  {
    kind: 'Event',
    metadata: { name: 'e-scheduled' },
    involvedObject: { kind: 'Pod', name: 'web-7d9f-x2k4q' },
    type: 'Normal',
    reason: 'Scheduled',
    message: 'Successfully assigned shop/web-7d9f-x2k4q to node-a',
    firstTimestamp: minutesAgo(120),
    lastTimestamp: minutesAgo(120),
    source: { component: 'default-scheduler' },
  },
];

describe('describe pod', () => {
  const text = describeObject(pod, podEvents, now);

  it('starts with the metadata header', () => {
    const lines = text.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'Name:               web-7d9f-x2k4q',
      'Namespace:          shop',
      'Labels:             app=web',
      '                    pod-template-hash=7d9f',
      'Annotations:        <none>',
      'CreationTimestamp:  Wed, 01 May 2024 10:00:00 +0000',
    ]);
  });

  it('shows where and how the pod runs', () => {
    expect(valueOf(text, 'Node')).toBe('node-a/10.0.0.11');
    expect(valueOf(text, 'Status')).toBe('Running');
    expect(valueOf(text, 'IP')).toBe('10.244.1.7');
    expect(valueOf(text, 'Controlled By')).toBe('ReplicaSet/web-7d9f');
    expect(valueOf(text, 'QoS Class')).toBe('Burstable');
  });

  it('describes each container: image, ports, state, restarts, resources, probes, env, mounts', () => {
    expect(text).toContain('Containers:\n  app:\n');
    expect(valueOf(text, 'Image')).toBe('nginx:1.25');
    expect(valueOf(text, 'Ports')).toBe('80/TCP, 443/TCP');
    expect(valueOf(text, 'State')).toBe('Waiting');
    expect(text).toMatch(/State:\s+Waiting\n\s+Reason:\s+CrashLoopBackOff\n\s+Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+2\n/);
    expect(valueOf(text, 'Ready')).toBe('False');
    expect(valueOf(text, 'Restart Count')).toBe('6');
    expect(text).toMatch(/ {4}Limits:\n {6}cpu:\s+1\n {6}memory:\s+256Mi\n {4}Requests:\n {6}cpu:\s+250m\n {6}memory:\s+128Mi\n/);
    expect(valueOf(text, 'Liveness')).toBe('http-get http://:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3');
    expect(text).toMatch(/DB_PASSWORD:\s+<set to the key 'password' in secret 'db'>/);
    expect(text).toContain('/etc/app from config (ro)');
  });

  it('lists conditions and tolerations', () => {
    expect(text).toMatch(/Conditions:\n {2}Type\s+Status\n {2}Ready\s+False\n {2}PodScheduled\s+True\n/);
    expect(text).toMatch(/Tolerations:\s+node\.kubernetes\.io\/not-ready:NoExecute op=Exists for 300s\n\s+op=Exists\n/);
  });

  it('ends with the events, oldest first, repeated ones with their count', () => {
    const events = text.slice(text.indexOf('Events:'));
    expect(events.split('\n').slice(0, 5)).toEqual([
      'Events:',
      '  Type     Reason     Age                From               Message',
      '  ----     ------     ----               ----               -------',
      '  Normal   Scheduled  120m               default-scheduler  Successfully assigned shop/web-7d9f-x2k4q to node-a',
      '  Warning  BackOff    60s (x9 over 40m)  kubelet            Back-off restarting failed container app',
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('says Terminating while the pod is being deleted', () => {
    const deleting = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: minutesAgo(1), deletionGracePeriodSeconds: 30 } };
    const out = describeObject(deleting, [], now);
    expect(valueOf(out, 'Status')).toBe('Terminating (lasts 60s)');
    expect(valueOf(out, 'Termination Grace Period')).toBe('30s');
    expect(out).toMatch(/Events:\s+<none>\n$/);
  });

  it('leaves no trailing whitespace', () => {
    for (const line of text.split('\n')) expect(line).toBe(line.trimEnd());
  });
});

describe('describe deployment', () => {
  const dep: ApiObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', creationTimestamp: '2024-04-30T12:00:00Z', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '4' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '50%' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] } },
    },
    status: {
      replicas: 3,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 1,
      conditions: [
        { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
        { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
      ],
    },
  };
  const events: ApiObject[] = [{
    kind: 'Event',
    metadata: { name: 'd1' },
    involvedObject: { kind: 'Deployment', name: 'web' },
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set web-6c9 to 2',
    lastTimestamp: minutesAgo(3),
    firstTimestamp: minutesAgo(3),
    source: { component: 'deployment-controller' },
  }];
  const text = describeObject(dep, events, now);

  it('shows selector, replica summary and strategy', () => {
    expect(valueOf(text, 'Selector')).toBe('app=web');
    expect(valueOf(text, 'Replicas')).toBe('3 desired | 2 updated | 3 total | 2 available | 1 unavailable');
    expect(valueOf(text, 'StrategyType')).toBe('RollingUpdate');
    expect(valueOf(text, 'RollingUpdateStrategy')).toBe('1 max unavailable, 50% max surge');
    expect(valueOf(text, 'Annotations')).toBe('deployment.kubernetes.io/revision: 4');
  });

  it('shows the pod template without runtime state', () => {
    expect(text).toMatch(/Pod Template:\n {2}Labels:\s+app=web\n {2}Containers:\n {3}app:\n {4}Image:\s+nginx:1\.25\n {4}Port:\s+80\/TCP\n/);
    expect(text).not.toContain('Restart Count');
  });

  it('shows conditions and events', () => {
    expect(text).toMatch(/Conditions:\n {2}Type\s+Status\s+Reason\n {2}----\s+------\s+------\n {2}Available\s+False\s+MinimumReplicasUnavailable\n/);
    expect(text).toMatch(/Normal\s+ScalingReplicaSet\s+3m\s+deployment-controller\s+Scaled up replica set web-6c9 to 2\n$/);
  });
});

describe('describe secret', () => {
  const password = 'correct-horse-battery-staple';
  const encoded = Buffer.from(password).toString('base64');
  const secret: ApiObject = {
    kind: 'Secret',
    metadata: {
      name: 'db',
      namespace: 'shop',
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ stringData: { password } }),
        owner: 'team-data',
      },
    },
    type: 'Opaque',
    data: { password: encoded, user: Buffer.from('app').toString('base64') },
  };
  const text = describeObject(secret, [], now);

  it('shows only the size of each key', () => {
    expect(valueOf(text, 'password')).toBe(`${password.length} bytes`);
    expect(valueOf(text, 'user')).toBe('3 bytes');
    expect(valueOf(text, 'Type')).toBe('Opaque');
  });

  it('never prints the values, encoded or decoded, even from the last-applied annotation', () => {
    expect(text).not.toContain(password);
    expect(text).not.toContain(encoded);
    expect(text).not.toContain('last-applied-configuration');
    expect(valueOf(text, 'Annotations')).toBe('owner: team-data');
  });
});

describe('describe other kinds', () => {
  it('shows a service with its ports and, when given, its endpoints', () => {
    const svc: ApiObject = {
      kind: 'Service',
      metadata: { name: 'shop', namespace: 'shop' },
      spec: {
        type: 'NodePort',
        clusterIP: '10.96.0.20',
        selector: { app: 'shop' },
        ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }],
      },
    };
    const endpoints: ApiObject = {
      kind: 'Endpoints',
      metadata: { name: 'shop', namespace: 'shop' },
      subsets: [{ addresses: [{ ip: '10.244.1.7' }, { ip: '10.244.2.3' }], ports: [{ name: 'http', port: 8080 }] }],
    };
    const text = describeObject(svc, [], now, { endpoints });
    expect(valueOf(text, 'Type')).toBe('NodePort');
    expect(valueOf(text, 'IP')).toBe('10.96.0.20');
    expect(text).toMatch(/Port:\s+http\s+80\/TCP\nTargetPort:\s+8080\/TCP\nNodePort:\s+http\s+30080\/TCP\nEndpoints:\s+10\.244\.1\.7:8080,10\.244\.2\.3:8080\n/);
    expect(valueOf(describeObject(svc, [], now), 'Endpoints')).toBe('<none>');
  });

  it('shows a cordoned NotReady node with roles, taints, conditions and capacity', () => {
    const node: ApiObject = {
      kind: 'Node',
      metadata: { name: 'worker-2', labels: { 'node-role.kubernetes.io/worker': '' } },
      spec: { unschedulable: true, podCIDR: '10.244.2.0/24', taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
      status: {
        conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: '2024-05-01T11:50:00Z', lastTransitionTime: '2024-05-01T11:51:00Z' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.12' }],
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        allocatable: { cpu: '3800m', memory: '7Gi', pods: '110' },
      },
    };
    const text = describeObject(node, [], now);
    expect(valueOf(text, 'Namespace')).toBeUndefined();
    expect(valueOf(text, 'Roles')).toBe('worker');
    expect(valueOf(text, 'Taints')).toBe('node.kubernetes.io/unschedulable:NoSchedule');
    expect(valueOf(text, 'Unschedulable')).toBe('true');
    expect(text).toMatch(/ {2}Ready\s+Unknown\s+Wed, 01 May 2024 11:50:00 \+0000\s+Wed, 01 May 2024 11:51:00 \+0000\s+NodeStatusUnknown\s+Kubelet stopped posting node status\.\n/);
    expect(text).toMatch(/Addresses:\n {2}InternalIP:\s+10\.0\.0\.12\n/);
    expect(text).toMatch(/Capacity:\n {2}cpu:\s+4\n {2}memory:\s+8Gi\n {2}pods:\s+110\nAllocatable:\n {2}cpu:\s+3800m\n/);
    expect(valueOf(text, 'PodCIDR')).toBe('10.244.2.0/24');
  });

  it('shows ConfigMap data verbatim', () => {
    const cm: ApiObject = { kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { 'app.conf': 'mode=prod\nlevel=debug' } };
    expect(describeObject(cm, [], now)).toContain('\nData\n====\napp.conf:\n----\nmode=prod\nlevel=debug\n');
  });

  it('shows a namespace status, and a replica set with its pods', () => {
    expect(valueOf(describeObject({ kind: 'Namespace', metadata: { name: 'shop' }, status: { phase: 'Active' } }, [], now), 'Status')).toBe('Active');
    const rs: ApiObject = {
      kind: 'ReplicaSet',
      metadata: { name: 'web-7d9f', namespace: 'shop', uid: 'rs-uid', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd', controller: true }] },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
      status: { replicas: 2 },
    };
    const other = { ...pod, metadata: { ...pod.metadata, name: 'stranger', ownerReferences: [] } };
    const text = describeObject(rs, [], now, { pods: [pod, other] });
    expect(valueOf(text, 'Replicas')).toBe('2 current / 2 desired');
    expect(valueOf(text, 'Pods Status')).toBe('1 Running / 0 Waiting / 0 Succeeded / 0 Failed');
    expect(valueOf(text, 'Controlled By')).toBe('Deployment/web');
  });

  it('falls back to the fields of any other kind', () => {
    const lease: ApiObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'cairn-scheduler', namespace: 'cairn-system' },
      spec: { holderIdentity: 'cp-1', leaseDurationSeconds: 15, owners: ['a', 'b'] },
    };
    const text = describeObject(lease, [], now);
    expect(valueOf(text, 'Kind')).toBe('Lease');
    expect(text).toMatch(/Spec:\n {2}Holder Identity:\s+cp-1\n {2}Lease Duration Seconds:\s+15\n {2}Owners:\n {4}a\n {4}b\n/);
  });
});
