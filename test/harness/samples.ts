import type { ApiObject } from '../../api/meta.js';

/** A valid object of every served kind, as a user would write it, and a change to make to it. */
export interface Sample {
  object: ApiObject;
  change(obj: ApiObject): void;
  /** How to see the change in the stored object. */
  changed(obj: ApiObject): boolean;
}

const labelChange = (obj: ApiObject): void => { obj.metadata.labels = { ...obj.metadata.labels, changed: 'yes' }; };
const labelChanged = (obj: ApiObject): boolean => obj.metadata.labels?.changed === 'yes';

export function samples(name: string, namespace: string): Record<string, Sample> {
  const meta = { name, namespace, labels: { app: name } };
  const podSpec = { containers: [{ name: 'web', image: 'busybox:1.36', command: ['sleep', '3600'], resources: { requests: { cpu: '100m', memory: '32Mi' } } }] };
  const template = { metadata: { labels: { app: name } }, spec: podSpec };
  return {
    Namespace: { object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${name}-ns` } }, change: labelChange, changed: labelChanged },
    Node: {
      object: { apiVersion: 'v1', kind: 'Node', metadata: { name: `${name}-node`, labels: { zone: 'a' } }, spec: { podCIDR: '10.244.1.0/24' } },
      change: (o) => { (o.spec as { unschedulable?: boolean }).unschedulable = true; },
      changed: (o) => (o.spec as { unschedulable?: boolean }).unschedulable === true,
    },
    Pod: {
      object: { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: podSpec },
      change: (o) => { (o.spec as typeof podSpec).containers[0]!.image = 'busybox:1.37'; },
      changed: (o) => (o.spec as typeof podSpec).containers[0]!.image === 'busybox:1.37',
    },
    Service: {
      object: { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } },
      change: (o) => { (o.spec as { selector: Record<string, string> }).selector = { app: 'other' }; },
      changed: (o) => (o.spec as { selector: Record<string, string> }).selector.app === 'other',
    },
    Endpoints: {
      object: { apiVersion: 'v1', kind: 'Endpoints', metadata: meta, subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ port: 8080 }] }] },
      change: (o) => { (o.subsets as { addresses: { ip: string }[] }[])[0]!.addresses.push({ ip: '10.244.1.6' }); },
      changed: (o) => (o.subsets as { addresses: { ip: string }[] }[])[0]!.addresses.length === 2,
    },
    ConfigMap: {
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { 'app.conf': 'port=8080' } },
      change: (o) => { (o.data as Record<string, string>)['extra'] = '1'; },
      changed: (o) => (o.data as Record<string, string>)['extra'] === '1',
    },
    Secret: {
      object: { apiVersion: 'v1', kind: 'Secret', metadata: meta, stringData: { password: 's3cret' } },
      change: labelChange,
      changed: labelChanged,
    },
    Event: {
      object: { apiVersion: 'v1', kind: 'Event', metadata: meta, involvedObject: { kind: 'Pod', name, namespace }, reason: 'Created', message: 'created', type: 'Normal', count: 1, source: { component: 'test' } },
      change: (o) => { o.count = 2; },
      changed: (o) => o.count === 2,
    },
    Lease: {
      object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } },
      change: (o) => { (o.spec as { holderIdentity: string }).holderIdentity = 'b'; },
      changed: (o) => (o.spec as { holderIdentity: string }).holderIdentity === 'b',
    },
    ReplicaSet: {
      object: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta, spec: { replicas: 2, selector: { matchLabels: { app: name } }, template } },
      change: (o) => { (o.spec as { replicas: number }).replicas = 3; },
      changed: (o) => (o.spec as { replicas: number }).replicas === 3,
    },
    Deployment: {
      object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { replicas: 2, selector: { matchLabels: { app: name } }, template } },
      change: (o) => { (o.spec as { replicas: number }).replicas = 5; },
      changed: (o) => (o.spec as { replicas: number }).replicas === 5,
    },
    PriorityClass: {
      object: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: `${name}-pc` }, value: 1000, description: 'test' },
      change: (o) => { o.description = 'changed'; },
      changed: (o) => o.description === 'changed',
    },
  };
}
