import { describe, it, expect } from '@jest/globals';
import type { Deployment, ReplicaSet } from '../types/apps.js';
import { deploymentStrategy } from './deployment.js';
import { replicaSetStrategy } from './replicaset.js';
import { clone, create, errorAt, paths, update } from './testing/helpers.js';

function nginxDeployment(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx', tier: 'web' } },
        spec: {
          containers: [{
            name: 'nginx',
            image: 'nginx:1.27',
            ports: [{ containerPort: 80 }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            readinessProbe: { httpGet: { path: '/', port: 80 } },
          }],
        },
      },
    },
    status: { replicas: 99 },
  };
}

function replicaSet(): ReplicaSet {
  const d = nginxDeployment();
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'nginx-5d4f8c7b9', namespace: 'default' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'nginx', 'pod-template-hash': '5d4f8c7b9' } }, template: clone(d.spec.template) },
  };
}

function deployWith(patch: (d: Deployment) => void): Deployment {
  const d = nginxDeployment();
  patch(d);
  return d;
}

describe('Deployment create', () => {
  it('accepts an nginx deployment', () => {
    expect(create(deploymentStrategy, nginxDeployment())).toEqual([]);
  });

  it('applies apps/v1 defaults and pod template defaults', () => {
    const d = deployWith((x) => { delete x.spec.replicas; });
    expect(create(deploymentStrategy, d)).toEqual([]);
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(d.spec.revisionHistoryLimit).toBe(10);
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    const pod = d.spec.template.spec;
    expect(pod.restartPolicy).toBe('Always');
    expect(pod.dnsPolicy).toBe('ClusterFirst');
    expect(pod.containers[0]!.imagePullPolicy).toBe('IfNotPresent');
    expect(pod.containers[0]!.readinessProbe!.periodSeconds).toBe(10);
    // Pod-only defaults are left for the pods themselves.
    expect(pod.enableServiceLinks).toBeUndefined();
    expect(pod.containers[0]!.resources!.requests).toEqual({ cpu: '100m', memory: '128Mi' });
  });

  it('keeps Recreate without adding rollingUpdate', () => {
    const d = deployWith((x) => { x.spec.strategy = { type: 'Recreate' }; });
    expect(create(deploymentStrategy, d)).toEqual([]);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('drops client-sent status and starts at generation 1', () => {
    const d = nginxDeployment();
    create(deploymentStrategy, d);
    expect(d.status).toEqual({});
    expect(d.metadata.generation).toBe(1);
  });

  const cases: [string, (d: Deployment) => void, string, RegExp][] = [
    ['selector that does not match the template', (d) => { d.spec.selector = { matchLabels: { app: 'apache' } }; }, 'spec.template.metadata.labels', /`selector` does not match template `labels`/],
    ['selector expression that does not match', (d) => { d.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }; }, 'spec.template.metadata.labels', /does not match/],
    ['missing selector', (d) => { delete (d.spec as Partial<Deployment['spec']>).selector; }, 'spec.selector', /Required/],
    ['empty selector', (d) => { d.spec.selector = {}; }, 'spec.selector', /empty selector is invalid for deployment/],
    ['invalid selector operator', (d) => { d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'Is' as 'In', values: ['nginx'] }] }; }, 'spec.selector.matchExpressions[0].operator', /not a valid selector operator/],
    ['negative replicas', (d) => { d.spec.replicas = -1; }, 'spec.replicas', /greater than or equal to 0/],
    ['fractional replicas', (d) => { d.spec.replicas = 1.5; }, 'spec.replicas', /integer/],
    ['template restartPolicy Never', (d) => { d.spec.template.spec.restartPolicy = 'Never'; }, 'spec.template.spec.restartPolicy', /supported values: "Always"/],
    ['template container without image', (d) => { delete d.spec.template.spec.containers[0]!.image; }, 'spec.template.spec.containers[0].image', /Required/],
    ['template label value', (d) => { d.spec.template.metadata!.labels!.tier = 'web tier'; }, 'spec.template.metadata.labels', /valid label/],
    ['unknown spec field', (d) => { (d.spec as unknown as Record<string, unknown>).replica = 2; }, 'spec.replica', /unknown field "replica"/],
    ['unknown template field', (d) => { (d.spec.template as unknown as Record<string, unknown>).labels = {}; }, 'spec.template.labels', /unknown field/],
    ['both surge and unavailable zero', (d) => { d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }; }, 'spec.strategy.rollingUpdate.maxUnavailable', /may not be 0 when `maxSurge` is 0/],
    ['maxUnavailable not a percent', (d) => { d.spec.strategy = { rollingUpdate: { maxUnavailable: '25' } }; }, 'spec.strategy.rollingUpdate.maxUnavailable', /valid percent string/],
    ['maxUnavailable above 100%', (d) => { d.spec.strategy = { rollingUpdate: { maxUnavailable: '150%' } }; }, 'spec.strategy.rollingUpdate.maxUnavailable', /not be greater than 100%/],
    ['rollingUpdate with Recreate', (d) => { d.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }; }, 'spec.strategy.rollingUpdate', /Recreate/],
    ['strategy type', (d) => { d.spec.strategy = { type: 'BlueGreen' as 'Recreate' }; }, 'spec.strategy.type', /"Recreate", "RollingUpdate"/],
    ['progress deadline not above minReadySeconds', (d) => { d.spec.minReadySeconds = 60; d.spec.progressDeadlineSeconds = 30; }, 'spec.progressDeadlineSeconds', /greater than minReadySeconds/],
    ['negative revisionHistoryLimit', (d) => { d.spec.revisionHistoryLimit = -1; }, 'spec.revisionHistoryLimit', /greater than or equal to 0/],
  ];

  it.each(cases)('rejects %s', (_name, patch, path, message) => {
    const errs = create(deploymentStrategy, deployWith(patch));
    expect(paths(errs)).toContain(path);
    expect(errorAt(errs, path)!.message).toMatch(message);
  });

  it('accepts int and percent surge values', () => {
    const d = deployWith((x) => { x.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }; });
    expect(create(deploymentStrategy, d)).toEqual([]);
  });
});

describe('Deployment update', () => {
  it('allows scaling and changing the template', () => {
    const old = nginxDeployment();
    create(deploymentStrategy, old);
    const d = clone(old);
    d.spec.replicas = 5;
    d.spec.template.spec.containers[0]!.image = 'nginx:1.28';
    expect(update(deploymentStrategy, d, old)).toEqual([]);
  });

  it('keeps the selector immutable', () => {
    const old = nginxDeployment();
    create(deploymentStrategy, old);
    const d = clone(old);
    d.spec.selector = { matchLabels: { app: 'nginx', tier: 'web' } };
    expect(errorAt(update(deploymentStrategy, d, old), 'spec.selector')?.message).toMatch(/field is immutable/);
  });
});

describe('ReplicaSet', () => {
  it('accepts a controller-style replica set and defaults it', () => {
    const rs = replicaSet();
    rs.spec.template.metadata!.labels!['pod-template-hash'] = '5d4f8c7b9';
    delete rs.spec.replicas;
    expect(create(replicaSetStrategy, rs)).toEqual([]);
    expect(rs.spec.replicas).toBe(1);
    expect(rs.status).toEqual({ replicas: 0 });
    expect(rs.spec.template.spec.schedulerName).toBe('default-scheduler');
  });

  it('rejects a selector the template does not satisfy', () => {
    const errs = create(replicaSetStrategy, replicaSet());
    expect(errorAt(errs, 'spec.template.metadata.labels')?.message).toMatch(/does not match/);
  });

  it('rejects activeDeadlineSeconds in the template', () => {
    const rs = replicaSet();
    rs.spec.selector = { matchLabels: { app: 'nginx' } };
    rs.spec.template.spec.activeDeadlineSeconds = 30;
    expect(errorAt(create(replicaSetStrategy, rs), 'spec.template.spec.activeDeadlineSeconds')?.type).toBe('FieldValueForbidden');
  });

  it('keeps the selector immutable on update but allows scaling', () => {
    const old = replicaSet();
    old.spec.selector = { matchLabels: { app: 'nginx' } };
    create(replicaSetStrategy, old);
    const scaled = clone(old);
    scaled.spec.replicas = 0;
    expect(update(replicaSetStrategy, scaled, old)).toEqual([]);
    const reselected = clone(old);
    reselected.spec.selector = { matchLabels: { tier: 'web' } };
    expect(paths(update(replicaSetStrategy, reselected, old))).toContain('spec.selector');
  });

  it('exposes status.replicas as a selectable field', () => {
    const rs = replicaSet();
    rs.status = { replicas: 2 };
    expect(replicaSetStrategy.selectableFields(rs)).toEqual({ 'metadata.name': 'nginx-5d4f8c7b9', 'metadata.namespace': 'default', 'status.replicas': '2' });
  });
});
