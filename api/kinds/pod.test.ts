import { describe, it, expect } from '@jest/globals';
import type { Pod } from '../types/core.js';
import { podStrategy } from './pod.js';
import { clone, create, errorAt, paths, update } from './testing/helpers.js';

/** A pod as people write them: probes, resources, security context, several volume sources, scheduling hints. */
function webPod(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' } },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 101, fsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [{ name: 'init-config', image: 'busybox:1.36', command: ['sh', '-c', 'cp /src/* /work/'], volumeMounts: [{ name: 'work', mountPath: '/work' }, { name: 'config', mountPath: '/src' }] }],
      containers: [{
        name: 'nginx',
        image: 'nginx:1.27',
        ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 9113, protocol: 'TCP' }],
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
          { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'api', key: 'key' } } },
          { name: 'MODE', value: 'production' },
        ],
        envFrom: [{ configMapRef: { name: 'web-env' }, prefix: 'WEB_' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5 },
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
        startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30 },
        lifecycle: { preStop: { exec: { command: ['nginx', '-s', 'quit'] } } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        volumeMounts: [{ name: 'work', mountPath: '/usr/share/nginx/html' }, { name: 'token', mountPath: '/var/run/secrets/tokens', readOnly: true }],
      }],
      volumes: [
        { name: 'work', emptyDir: { sizeLimit: '64Mi' } },
        { name: 'config', configMap: { name: 'web-config', items: [{ key: 'index.html', path: 'index.html' }] } },
        { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
        { name: 'certs', secret: { secretName: 'web-tls' } },
      ],
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }] } },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } }] },
      },
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
      nodeSelector: { 'kubernetes.io/arch': 'amd64' },
      dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
      serviceAccountName: 'web',
      priorityClassName: 'high',
    },
  };
}

function minimalPod(image = 'nginx'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image }] } };
}

function withSpec(patch: (pod: Pod) => void): Pod {
  const pod = minimalPod('nginx:1.27');
  patch(pod);
  return pod;
}

describe('Pod create', () => {
  it('accepts a realistic pod with probes, resources, security context and volumes', () => {
    expect(create(podStrategy, webPod())).toEqual([]);
  });

  it('fills Kubernetes defaults', () => {
    const pod = minimalPod('nginx');
    pod.spec.containers[0]!.ports = [{ containerPort: 80 }];
    pod.spec.containers[0]!.readinessProbe = { httpGet: { port: 80 } };
    pod.spec.volumes = [{ name: 'scratch' }];
    expect(create(podStrategy, pod)).toEqual([]);
    const spec = pod.spec;
    expect(spec.restartPolicy).toBe('Always');
    expect(spec.dnsPolicy).toBe('ClusterFirst');
    expect(spec.schedulerName).toBe('default-scheduler');
    expect(spec.terminationGracePeriodSeconds).toBe(30);
    expect(spec.enableServiceLinks).toBe(true);
    expect(spec.priority).toBe(0);
    expect(spec.securityContext).toEqual({});
    expect(spec.volumes![0]).toEqual({ name: 'scratch', emptyDir: {} });
    const c = spec.containers[0]!;
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.terminationMessagePath).toBe('/dev/termination-log');
    expect(c.terminationMessagePolicy).toBe('File');
    expect(c.ports![0]!.protocol).toBe('TCP');
    expect(c.readinessProbe).toEqual({ httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['registry.local:5000/team/app', 'Always'],
    ['registry.local:5000/team/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
  ])('defaults imagePullPolicy for %s to %s', (image, policy) => {
    const pod = minimalPod(image);
    create(podStrategy, pod);
    expect(pod.spec.containers[0]!.imagePullPolicy).toBe(policy);
  });

  it('keeps an explicit imagePullPolicy', () => {
    const pod = minimalPod('nginx');
    pod.spec.containers[0]!.imagePullPolicy = 'Never';
    create(podStrategy, pod);
    expect(pod.spec.containers[0]!.imagePullPolicy).toBe('Never');
  });

  it('defaults requests to limits when only limits are set, and keeps explicit requests', () => {
    const pod = withSpec((p) => { p.spec.containers[0]!.resources = { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '250m' } }; });
    expect(create(podStrategy, pod)).toEqual([]);
    expect(pod.spec.containers[0]!.resources!.requests).toEqual({ cpu: '250m', memory: '1Gi' });
  });

  it('replaces client-sent status with Pending and the QoS class', () => {
    const pod = withSpec((p) => { p.status = { phase: 'Running', podIP: '10.0.0.9' }; });
    create(podStrategy, pod);
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it.each([
    ['no resources', undefined, 'BestEffort'],
    ['limits only (requests default to them)', { limits: { cpu: '500m', memory: '128Mi' } }, 'Guaranteed'],
    ['requests equal limits', { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } }, 'Guaranteed'],
    ['requests below limits', { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }, 'Burstable'],
    ['only a cpu limit', { limits: { cpu: '1' } }, 'Burstable'],
    ['only a memory request', { requests: { memory: '64Mi' } }, 'Burstable'],
  ])('computes qosClass for %s', (_name, resources, qos) => {
    const pod = withSpec((p) => { if (resources) p.spec.containers[0]!.resources = resources; });
    expect(create(podStrategy, pod)).toEqual([]);
    expect(pod.status?.qosClass).toBe(qos);
  });

  it('is Burstable when one of two containers has no limits', () => {
    const pod = withSpec((p) => {
      p.spec.containers[0]!.resources = { limits: { cpu: '1', memory: '1Gi' } };
      p.spec.containers.push({ name: 'sidecar', image: 'envoy:1.30' });
    });
    create(podStrategy, pod);
    expect(pod.status?.qosClass).toBe('Burstable');
  });
});

describe('Pod validation', () => {
  const cases: [string, (p: Pod) => void, string, RegExp?][] = [
    ['missing containers', (p) => { p.spec.containers = []; }, 'spec.containers', /Required/],
    ['missing image', (p) => { delete p.spec.containers[0]!.image; }, 'spec.containers[0].image', /Required/],
    ['bad container name', (p) => { p.spec.containers[0]!.name = 'Web_1'; }, 'spec.containers[0].name', /RFC 1123 label/],
    ['duplicate container names across init and regular', (p) => { p.spec.initContainers = [{ name: 'c', image: 'busybox' }]; }, 'spec.initContainers[0].name', /Duplicate/],
    ['port out of range', (p) => { p.spec.containers[0]!.ports = [{ containerPort: 70000 }]; }, 'spec.containers[0].ports[0].containerPort', /between 1 and 65535/],
    ['port name not an IANA name', (p) => { p.spec.containers[0]!.ports = [{ name: 'HTTP_PORT', containerPort: 80 }]; }, 'spec.containers[0].ports[0].name', /alpha-numeric/],
    ['duplicate port names', (p) => { p.spec.containers[0]!.ports = [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }]; }, 'spec.containers[0].ports[1].name', /Duplicate/],
    ['bad protocol', (p) => { p.spec.containers[0]!.ports = [{ containerPort: 80, protocol: 'HTTP' as 'TCP' }]; }, 'spec.containers[0].ports[0].protocol', /supported values: "TCP", "UDP", "SCTP"/],
    ['bad env name', (p) => { p.spec.containers[0]!.env = [{ name: '1BAD', value: 'x' }]; }, 'spec.containers[0].env[0].name', /environment variable name/],
    ['env with value and valueFrom', (p) => { p.spec.containers[0]!.env = [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]; }, 'spec.containers[0].env[0].valueFrom', /may not be specified when `value` is not empty/],
    ['unsupported fieldRef', (p) => { p.spec.containers[0]!.env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.containers' } } }]; }, 'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath', /Unsupported value/],
    ['request above limit', (p) => { p.spec.containers[0]!.resources = { requests: { cpu: '1' }, limits: { cpu: '500m' } }; }, 'spec.containers[0].resources.requests', /must be less than or equal to cpu limit of 500m/],
    ['negative quantity', (p) => { p.spec.containers[0]!.resources = { requests: { memory: '-1Gi' } }; }, 'spec.containers[0].resources.requests[memory]', /greater than or equal to 0/],
    ['unparseable quantity', (p) => { p.spec.containers[0]!.resources = { limits: { cpu: 'lots' } }; }, 'spec.containers[0].resources.limits[cpu]', /quantities must match/],
    ['unknown resource name', (p) => { p.spec.containers[0]!.resources = { limits: { gpu: '1' } }; }, 'spec.containers[0].resources.limits[gpu]', /standard resource for containers/],
    ['extended resource request below limit', (p) => { p.spec.containers[0]!.resources = { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '2' } }; }, 'spec.containers[0].resources.requests', /must be equal to nvidia.com\/gpu limit of 2/],
    ['restartPolicy', (p) => { p.spec.restartPolicy = 'Sometimes' as 'Always'; }, 'spec.restartPolicy', /supported values: "Always", "OnFailure", "Never"/],
    ['dnsPolicy', (p) => { p.spec.dnsPolicy = 'Cluster' as 'ClusterFirst'; }, 'spec.dnsPolicy', /ClusterFirst/],
    ['dnsPolicy None without nameservers', (p) => { p.spec.dnsPolicy = 'None'; }, 'spec.dnsConfig', /must provide `dnsConfig` when `dnsPolicy` is None/],
    ['probe with two handlers', (p) => { p.spec.containers[0]!.livenessProbe = { httpGet: { port: 80 }, tcpSocket: { port: 80 } }; }, 'spec.containers[0].livenessProbe.tcpSocket', /more than 1 handler type/],
    ['probe without handler', (p) => { p.spec.containers[0]!.readinessProbe = { periodSeconds: 5 }; }, 'spec.containers[0].readinessProbe', /must specify a handler type/],
    ['negative probe period', (p) => { p.spec.containers[0]!.readinessProbe = { exec: { command: ['true'] }, periodSeconds: -1 }; }, 'spec.containers[0].readinessProbe.periodSeconds', /greater than 0/],
    ['liveness successThreshold above 1', (p) => { p.spec.containers[0]!.livenessProbe = { exec: { command: ['true'] }, successThreshold: 2 }; }, 'spec.containers[0].livenessProbe.successThreshold', /must be 1/],
    ['probe on a named port that is not valid', (p) => { p.spec.containers[0]!.livenessProbe = { httpGet: { port: 'Not_A_Port' } }; }, 'spec.containers[0].livenessProbe.httpGet.port', /alpha-numeric/],
    ['probe on an init container', (p) => { p.spec.initContainers = [{ name: 'i', image: 'busybox', livenessProbe: { exec: { command: ['true'] } } }]; }, 'spec.initContainers[0].livenessProbe', /init containers without restartPolicy=Always/],
    ['toleration Exists with a value', (p) => { p.spec.tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }]; }, 'spec.tolerations[0].operator', /value must be empty when `operator` is 'Exists'/],
    ['toleration bad effect', (p) => { p.spec.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoRun' as 'NoSchedule' }]; }, 'spec.tolerations[0].effect', /NoSchedule/],
    ['toleration bad operator', (p) => { p.spec.tolerations = [{ key: 'k', operator: 'Is' as 'Equal', value: 'v' }]; }, 'spec.tolerations[0].operator', /"Exists", "Equal"/],
    ['toleration with empty key and Equal', (p) => { p.spec.tolerations = [{ operator: 'Equal', value: 'v' }]; }, 'spec.tolerations[0].operator', /operator must be Exists when `key` is empty/],
    ['tolerationSeconds without NoExecute', (p) => { p.spec.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 10 }]; }, 'spec.tolerations[0].effect', /NoExecute/],
    ['nodeSelector label value', (p) => { p.spec.nodeSelector = { disk: 'fast ssd' }; }, 'spec.nodeSelector', /valid label/],
    ['negative grace period', (p) => { p.spec.terminationGracePeriodSeconds = -5; }, 'spec.terminationGracePeriodSeconds', /greater than or equal to 0/],
    ['mount of an undeclared volume', (p) => { p.spec.containers[0]!.volumeMounts = [{ name: 'data', mountPath: '/data' }]; }, 'spec.containers[0].volumeMounts[0].name', /Not found/],
    ['volume with two sources', (p) => { p.spec.volumes = [{ name: 'v', emptyDir: {}, hostPath: { path: '/tmp' } }]; }, 'spec.volumes[0]', /more than 1 volume type \(found hostPath, emptyDir\)/],
    ['secret volume without secretName', (p) => { p.spec.volumes = [{ name: 'v', secret: {} as { secretName: string } }]; }, 'spec.volumes[0].secret.secretName', /Required/],
    ['unknown volume source', (p) => { p.spec.volumes = [{ name: 'v', magicDisk: {} }]; }, 'spec.volumes[0].magicDisk', /unknown field "magicDisk"/],
    ['unknown spec field', (p) => { (p.spec as Record<string, unknown>).replicas = 3; }, 'spec.replicas', /unknown field "replicas"/],
    ['unknown container field', (p) => { p.spec.containers[0]!.imagePolicy = 'Always'; }, 'spec.containers[0].imagePolicy', /unknown field/],
    ['unknown port field', (p) => { p.spec.containers[0]!.ports = [{ containerPort: 80, port: 80 } as never]; }, 'spec.containers[0].ports[0].port', /unknown field/],
    ['unknown probe field', (p) => { p.spec.containers[0]!.livenessProbe = { exec: { command: ['true'] }, delaySeconds: 3 } as never; }, 'spec.containers[0].livenessProbe.delaySeconds', /unknown field/],
    ['unknown top-level field', (p) => { (p as Record<string, unknown>).specs = {}; }, 'specs', /unknown field/],
    ['unknown metadata field', (p) => { (p.metadata as Record<string, unknown>).label = {}; }, 'metadata.label', /unknown field/],
    ['bad pod name', (p) => { p.metadata.name = 'Web Pod'; }, 'metadata.name', /RFC 1123 subdomain/],
    ['node affinity with no terms', (p) => { p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }; }, 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms', /Required/],
    ['privileged without escalation', (p) => { p.spec.containers[0]!.securityContext = { privileged: true, allowPrivilegeEscalation: false }; }, 'spec.containers[0].securityContext', /cannot set `allowPrivilegeEscalation` to false and `privileged` to true/],
    ['hostPort not matching on hostNetwork', (p) => { p.spec.hostNetwork = true; p.spec.containers[0]!.ports = [{ containerPort: 80, hostPort: 8080 }]; }, 'spec.containers[0].ports[0].hostPort', /must match `containerPort`/],
    ['same host port twice', (p) => { p.spec.containers[0]!.ports = [{ containerPort: 80, hostPort: 8080 }]; p.spec.containers.push({ name: 'b', image: 'b', ports: [{ containerPort: 81, hostPort: 8080 }] }); }, 'spec.containers[1].ports[0].hostPort', /Duplicate/],
    ['a zero resourceFieldRef divisor', (p) => { p.spec.containers[0]!.env = [{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } }]; }, 'spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor', /greater than zero/],
    ['a negative resourceFieldRef divisor', (p) => { p.spec.containers[0]!.env = [{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '-1m' } } }]; }, 'spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor', /greater than zero/],
    ['fileKeyRef', (p) => { (p.spec.containers[0]!.env as unknown[]) = [{ name: 'A', valueFrom: { fileKeyRef: { path: 'x', key: 'k', volumeName: 'v' } } }]; }, 'spec.containers[0].env[0].valueFrom.fileKeyRef', /not supported/],
  ];

  it.each(cases)('rejects %s', (_name, patch, path, message) => {
    const errs = create(podStrategy, withSpec(patch));
    expect(paths(errs)).toContain(path);
    if (message) expect(errorAt(errs, path)!.message).toMatch(message);
  });

  it('rejects a pod with no spec at all', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } } as unknown as Pod;
    expect(paths(create(podStrategy, pod))).toContain('spec');
  });

  it('survives garbage in place of structures and reports it', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: 'nginx', volumes: 5, tolerations: {} } } as unknown as Pod;
    const errs = create(podStrategy, pod);
    expect(paths(errs)).toEqual(expect.arrayContaining(['spec.containers', 'spec.volumes', 'spec.tolerations']));
  });

  it('accepts a sidecar init container with probes', () => {
    const pod = withSpec((p) => { p.spec.initContainers = [{ name: 'proxy', image: 'envoy:1.30', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 15000 } } }]; });
    expect(create(podStrategy, pod)).toEqual([]);
  });

  it('accepts a pod carrying fields Cairn does not act on yet', () => {
    const pod = withSpec((p) => {
      Object.assign(p.spec, {
        hostAliases: [{ ip: '10.1.2.3', hostnames: ['db.local'] }], runtimeClassName: 'gvisor', readinessGates: [{ conditionType: 'example.com/ready' }],
        os: { name: 'linux' }, schedulingGates: [{ name: 'example.com/quota' }], shareProcessNamespace: true, automountServiceAccountToken: false,
        imagePullSecrets: [{ name: 'regcred' }], overhead: { cpu: '10m' }, hostUsers: false, setHostnameAsFQDN: false,
      });
      Object.assign(p.spec.containers[0]!, { stdin: true, tty: true, workingDir: '/app', resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }] });
      p.spec.volumes = [{ name: 'nfs', nfs: { server: 'nfs.local', path: '/exports' } }, { name: 'pvc', persistentVolumeClaim: { claimName: 'data' } }, { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } }];
    });
    expect(create(podStrategy, pod)).toEqual([]);
  });
});

describe('Pod update', () => {
  function stored(): Pod {
    const pod = webPod();
    create(podStrategy, pod);
    return pod;
  }

  it('allows changing a container image', () => {
    const old = stored();
    const pod = clone(old);
    pod.spec.containers[0]!.image = 'nginx:1.28';
    pod.spec.initContainers![0]!.image = 'busybox:1.37';
    expect(update(podStrategy, pod, old)).toEqual([]);
  });

  it('forbids changing anything else, naming what changed', () => {
    const old = stored();
    const pod = clone(old);
    pod.spec.containers[0]!.ports = [{ containerPort: 9090 }];
    const errs = update(podStrategy, pod, old);
    const err = errorAt(errs, 'spec');
    expect(err?.type).toBe('FieldValueForbidden');
    expect(err?.message).toMatch(/pod updates may not change fields other than `spec.containers\[\*\].image`/);
    expect(err?.message).toMatch(/changed: spec.containers/);
  });

  it('allows adding tolerations but not removing them', () => {
    const old = stored();
    const added = clone(old);
    added.spec.tolerations!.push({ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' });
    expect(update(podStrategy, added, old)).toEqual([]);
    const removed = clone(old);
    removed.spec.tolerations = [];
    expect(paths(update(podStrategy, removed, old))).toContain('spec.tolerations');
  });

  it('lets activeDeadlineSeconds be set and shortened, not lengthened or removed', () => {
    const old = stored();
    const set = clone(old);
    set.spec.activeDeadlineSeconds = 600;
    expect(update(podStrategy, set, old)).toEqual([]);
    const shorter = clone(set);
    shorter.spec.activeDeadlineSeconds = 300;
    expect(update(podStrategy, shorter, set)).toEqual([]);
    const longer = clone(set);
    longer.spec.activeDeadlineSeconds = 900;
    expect(errorAt(update(podStrategy, longer, set), 'spec.activeDeadlineSeconds')?.message).toMatch(/less than or equal to previous value/);
    const removed = clone(set);
    delete removed.spec.activeDeadlineSeconds;
    expect(paths(update(podStrategy, removed, set))).toContain('spec.activeDeadlineSeconds');
  });

  it('allows binding (setting nodeName once) but not moving the pod', () => {
    const old = stored();
    const bound = clone(old);
    bound.spec.nodeName = 'node-1';
    expect(update(podStrategy, bound, old)).toEqual([]);
    const moved = clone(bound);
    moved.spec.nodeName = 'node-2';
    expect(paths(update(podStrategy, moved, bound))).toContain('spec.nodeName');
  });

  it('allows changing terminationGracePeriodSeconds', () => {
    const old = stored();
    const pod = clone(old);
    pod.spec.terminationGracePeriodSeconds = 5;
    expect(update(podStrategy, pod, old)).toEqual([]);
  });

  it('keeps metadata.name immutable', () => {
    const old = stored();
    const pod = clone(old);
    pod.metadata.name = 'web-1';
    expect(errorAt(update(podStrategy, pod, old), 'metadata.name')?.message).toMatch(/field is immutable/);
  });
});

describe('Pod selectable fields', () => {
  it('exposes node, phase and scheduling fields with "" for missing values', () => {
    const pod = webPod();
    create(podStrategy, pod);
    expect(podStrategy.selectableFields(pod)).toEqual({
      'metadata.name': 'web-0',
      'metadata.namespace': 'default',
      'spec.nodeName': '',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': 'web',
      'spec.hostNetwork': 'false',
      'status.phase': 'Pending',
      'status.podIP': '',
      'status.nominatedNodeName': '',
    });
  });
});
