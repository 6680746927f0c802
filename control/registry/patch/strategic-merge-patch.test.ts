import { describe, it, expect } from '@jest/globals';
import { applyPatch, PatchError, supportsStrategicMerge } from './index.js';

type Json = Record<string, unknown>;

const deployment = (containers: Json[], extra: Json = {}): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a', 'b'] },
  spec: {
    replicas: 2,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers, tolerations: [{ key: 'old', operator: 'Exists' }], ...extra } },
  },
});

const web = (fields: Json = {}): Json => ({
  name: 'web',
  image: 'nginx:1',
  ports: [{ containerPort: 80, protocol: 'TCP' }],
  env: [
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ],
  ...fields,
});

const podSpecOf = (obj: Json): Json => ((obj.spec as Json).template as Json).spec as Json;
const namesOf = (list: unknown): unknown[] => (list as Json[]).map((item) => item.name);

describe('strategic merge patch: kubectl-generated patches on a Deployment', () => {
  const cases: Array<[string, Json, Json, (result: Json) => void]> = [
    [
      'kubectl apply changes an image and removes an env var',
      deployment([web()]),
      {
        spec: {
          template: {
            spec: {
              $setElementOrder$containers: [{ name: 'web' }],
              containers: [{ name: 'web', image: 'nginx:2', $setElementOrder$env: [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }] }],
            },
          },
        },
      },
      (result) => {
        expect(podSpecOf(result).containers).toEqual([web({ image: 'nginx:2', env: [{ name: 'A', value: '1' }] })]);
      },
    ],
    [
      'kubectl patch adds a sidecar: merged by name, new element first as Kubernetes orders it',
      deployment([web()]),
      { spec: { template: { spec: { containers: [{ name: 'log', image: 'busybox' }] } } } },
      (result) => {
        const containers = podSpecOf(result).containers as Json[];
        expect(namesOf(containers)).toEqual(['log', 'web']);
        expect(containers[1]).toEqual(web());
      },
    ],
    [
      'kubectl apply adds a sidecar with $setElementOrder: order follows the directive, nested directives do not leak',
      deployment([web()]),
      {
        spec: {
          template: {
            spec: {
              $setElementOrder$containers: [{ name: 'web' }, { name: 'log' }],
              containers: [{ name: 'log', image: 'busybox', $setElementOrder$env: [{ name: 'X' }], env: [{ name: 'X', value: '1', valueFrom: null }] }],
            },
          },
        },
      },
      (result) => {
        const containers = podSpecOf(result).containers as Json[];
        expect(namesOf(containers)).toEqual(['web', 'log']);
        expect(containers[1]).toEqual({ name: 'log', image: 'busybox', env: [{ name: 'X', value: '1' }] });
        expect(JSON.stringify(result)).not.toContain('$');
      },
    ],
    [
      '$setElementOrder keeps a server-only container (e.g. an injected proxy) where it was',
      deployment([{ name: 'proxy', image: 'envoy' }, web()]),
      { spec: { template: { spec: { $setElementOrder$containers: [{ name: 'web' }], containers: [{ name: 'web', image: 'nginx:2' }] } } } },
      (result) => {
        const containers = podSpecOf(result).containers as Json[];
        expect(namesOf(containers)).toEqual(['proxy', 'web']);
        expect(containers[1].image).toBe('nginx:2');
      },
    ],
    [
      '$setElementOrder alone reorders the live list',
      deployment([web(), { name: 'log', image: 'busybox' }]),
      { spec: { template: { spec: { $setElementOrder$containers: [{ name: 'log' }, { name: 'web' }] } } } },
      (result) => expect(namesOf(podSpecOf(result).containers)).toEqual(['log', 'web']),
    ],
    [
      '$setElementOrder that disagrees with the patch list does not fail',
      deployment([web()]),
      { spec: { template: { spec: { $setElementOrder$containers: [{ name: 'ghost' }], containers: [{ name: 'web', image: 'nginx:3' }, { name: 'log', image: 'b' }] } } } },
      (result) => {
        const containers = podSpecOf(result).containers as Json[];
        expect(namesOf(containers).sort()).toEqual(['log', 'web']);
        expect(containers.find((c) => c.name === 'web')?.image).toBe('nginx:3');
      },
    ],
    [
      '$patch: replace on a list replaces it',
      deployment([web(), { name: 'log', image: 'busybox' }]),
      { spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } } },
      (result) => expect(podSpecOf(result).containers).toEqual([{ name: 'only', image: 'x' }]),
    ],
    [
      '$patch: delete on a list element that does not exist is a no-op',
      deployment([web()]),
      { spec: { template: { spec: { containers: [{ name: 'ghost', $patch: 'delete' }] } } } },
      (result) => expect(podSpecOf(result).containers).toEqual([web()]),
    ],
    [
      'container ports merge by containerPort and env by name',
      deployment([web()]),
      { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }], env: [{ name: 'B', value: '3' }] }] } } } },
      (result) => {
        const [container] = podSpecOf(result).containers as Json[];
        expect(container.ports).toEqual([{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }]);
        expect(container.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }]);
      },
    ],
    [
      'a null inside a merged element deletes that field',
      deployment([web()]),
      { spec: { template: { spec: { containers: [{ name: 'web', ports: null }] } } } },
      (result) => expect(podSpecOf(result).containers).toEqual([{ name: 'web', image: 'nginx:1', env: web().env }]),
    ],
    [
      'tolerations have no merge key and are replaced',
      deployment([web()]),
      { spec: { template: { spec: { tolerations: [{ key: 'new', operator: 'Exists', effect: null }] } } } },
      (result) => expect(podSpecOf(result).tolerations).toEqual([{ key: 'new', operator: 'Exists' }]),
    ],
    [
      '$retainKeys drops the fields it does not list (strategy switch to Recreate)',
      deployment([web()]),
      { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } },
      (result) => expect((result.spec as Json).strategy).toEqual({ type: 'Recreate' }),
    ],
    [
      '$retainKeys clears untouched fields too',
      deployment([web()]),
      { spec: { strategy: { $retainKeys: ['type'] } } },
      (result) => expect((result.spec as Json).strategy).toEqual({ type: 'RollingUpdate' }),
    ],
    [
      'finalizers are unioned',
      deployment([web()]),
      { metadata: { finalizers: ['b', 'c'] } },
      (result) => expect((result.metadata as Json).finalizers).toEqual(['a', 'b', 'c']),
    ],
    [
      '$deleteFromPrimitiveList removes finalizers',
      deployment([web()]),
      { metadata: { $deleteFromPrimitiveList$finalizers: ['a'], finalizers: ['c'] } },
      (result) => expect((result.metadata as Json).finalizers).toEqual(['c', 'b']),
    ],
    [
      'kubectl apply removing a finalizer sends a delete list with an order',
      deployment([web()]),
      { metadata: { $deleteFromPrimitiveList$finalizers: ['b'], $setElementOrder$finalizers: ['a'] } },
      (result) => expect((result.metadata as Json).finalizers).toEqual(['a']),
    ],
    [
      '$patch: replace on a map keeps only the patch',
      deployment([web()]),
      { metadata: { labels: { $patch: 'replace', tier: 'front' } } },
      (result) => expect((result.metadata as Json).labels).toEqual({ tier: 'front' }),
    ],
    [
      '$patch: delete on a map empties it',
      deployment([web()], { nodeSelector: { disk: 'ssd' } }),
      { spec: { template: { spec: { nodeSelector: { $patch: 'delete' } } } } },
      (result) => expect(Object.keys((podSpecOf(result).nodeSelector as Json | undefined) ?? {})).toEqual([]),
    ],
    [
      'a new map with nulls inside is stored without them',
      deployment([web()]),
      { spec: { template: { metadata: { annotations: { a: '1', b: null } } } } },
      (result) => expect((((result.spec as Json).template as Json).metadata as Json).annotations).toEqual({ a: '1' }),
    ],
  ];

  it.each(cases)('%s', (_name, original, patch, check) => {
    // `$` cannot start a key in the table without quoting everywhere; `$x$y` stands for `$x/y`.
    const realPatch = JSON.parse(JSON.stringify(patch).replace(/"\$(setElementOrder|deleteFromPrimitiveList)\$/g, '"$$$1/')) as Json;
    check(applyPatch('Deployment', original, realPatch, 'strategic') as Json);
  });
});

describe('strategic merge patch: other kinds and the label patch', () => {
  it('removes a label with null (kubectl label app-)', () => {
    const pod = { metadata: { name: 'p', labels: { a: '1', b: '2' } }, spec: { containers: [{ name: 'c' }] } };
    expect(applyPatch('Pod', pod, { metadata: { labels: { a: null } } }, 'strategic')).toEqual({
      metadata: { name: 'p', labels: { b: '2' } },
      spec: { containers: [{ name: 'c' }] },
    });
  });

  it('merges pod status conditions by type, as the kubelet patches them', () => {
    const pod = {
      metadata: { name: 'p' },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }] },
    };
    const patch = {
      status: {
        '$setElementOrder/conditions': [{ type: 'PodScheduled' }, { type: 'Ready' }, { type: 'Initialized' }],
        conditions: [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }],
        phase: 'Running',
      },
    };
    expect(applyPatch('Pod', pod, patch, 'strategic')).toEqual({
      metadata: { name: 'p' },
      status: {
        phase: 'Running',
        conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }],
      },
    });
  });

  it('merges node addresses by type but replaces taints', () => {
    const node = {
      metadata: { name: 'n1' },
      spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] },
      status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'n1' }] },
    };
    const patched = applyPatch(
      'Node',
      node,
      { spec: { taints: [{ key: 'b', effect: 'NoExecute' }] }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] } },
      'strategic',
    ) as Json;
    expect((patched.spec as Json).taints).toEqual([{ key: 'b', effect: 'NoExecute' }]);
    expect((patched.status as Json).addresses).toEqual(
      expect.arrayContaining([{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'Hostname', address: 'n1' }]),
    );
    expect((patched.status as Json).addresses).toHaveLength(2);
  });

  it('merges service ports by port and owner references by uid', () => {
    const svc = {
      metadata: { name: 's', ownerReferences: [{ uid: 'u1', kind: 'X', name: 'x', apiVersion: 'v1' }] },
      spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }] },
    };
    const patched = applyPatch(
      'Service',
      svc,
      { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] }, spec: { ports: [{ port: 80, targetPort: 9090 }] } },
      'strategic',
    ) as Json;
    expect((patched.spec as Json).ports).toEqual([{ port: 80, targetPort: 9090 }, { port: 443, targetPort: 8443 }]);
    expect((patched.metadata as Json).ownerReferences).toEqual([{ uid: 'u1', kind: 'X', name: 'x', apiVersion: 'v1', controller: true }]);
  });

  it('keeps a __proto__ data key in a ConfigMap as data', () => {
    const patch: unknown = JSON.parse('{"data":{"__proto__":{"polluted":"yes"}}}');
    const patched = applyPatch('ConfigMap', { metadata: { name: 'c' }, data: { a: '1' } }, patch, 'strategic') as { data: Json };
    expect(patched.data.polluted).toBeUndefined();
    expect(Object.keys(patched.data).sort()).toEqual(['__proto__', 'a']);
  });

  it('replaces Endpoints subsets', () => {
    const ep = { metadata: { name: 's' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] };
    const subsets = [{ addresses: [{ ip: '10.0.0.2' }], ports: [{ port: 80 }] }];
    expect(applyPatch('Endpoints', ep, { subsets }, 'strategic')).toEqual({ metadata: { name: 's' }, subsets });
  });

  it('gives unknown kinds map merge and list replacement, and reports them as unsupported', () => {
    expect(supportsStrategicMerge('Widget')).toBe(false);
    expect(supportsStrategicMerge('Deployment')).toBe(true);
    const widget = { metadata: { finalizers: ['a'] }, spec: { items: [{ name: 'x', v: 1 }], size: 1 } };
    expect(applyPatch('Widget', widget, { metadata: { finalizers: ['b'] }, spec: { items: [{ name: 'x', v: 2 }] } }, 'strategic')).toEqual({
      metadata: { finalizers: ['b'] },
      spec: { items: [{ name: 'x', v: 2 }], size: 1 },
    });
  });

  it.each([
    ['a non-object patch', ['x'], 400],
    ['an unknown $patch directive', { metadata: { labels: { $patch: 'explode' } } }, 400],
    ['a merge-list element without its merge key', { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 422],
    ['a delete element without its merge key', { spec: { template: { spec: { containers: [{ $patch: 'delete' }] } } } }, 400],
    ['a patch field missing from $retainKeys', { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 2 } } } }, 400],
    ['a malformed $deleteFromPrimitiveList', { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, 400],
    ['mixed element types in a merge list', { metadata: { finalizers: [{ name: 'x' }] } }, 422],
  ])('rejects %s with a PatchError', (_name, patch, code) => {
    let caught: unknown;
    try {
      applyPatch('Deployment', deployment([web()]), patch, 'strategic');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PatchError);
    expect((caught as PatchError).code).toBe(code);
  });
});
