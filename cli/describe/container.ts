/** Containers, volumes and pod templates, shared by the Pod, Deployment and ReplicaSet describers. */
import type { Container, ContainerStatus, PodSpec, PodTemplateSpec, Probe, EnvVar } from '../../api/types/core.js';
import { rec, str, num } from '../../api/printers/helpers.js';
import type { DescribeWriter } from './writer.js';
import { formatTime, boolText, orNone, sortedEntries, labelLines, annotationLines, tolerationText } from './format.js';

function portsLine(w: DescribeWriter, title: string, ports: string[]): void {
  const text = ports.join(', ');
  if (ports.length > 1) w.line(2, `${title}s:`, text);
  else w.line(2, `${title}:`, orNone(text));
}

/** "exec [cmd]", "http-get http://:8080/healthz", "tcp-socket :5432", then the timing knobs (with API defaults). */
export function probeText(p: Probe): string {
  const attrs =
    `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s ` +
    `#success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(' ')}] ${attrs}`;
  if (p.httpGet) {
    const g = p.httpGet;
    const scheme = (g.scheme ?? 'HTTP').toLowerCase();
    const host = g.host ?? '';
    const hostPort = String(g.port) !== '' ? (host.includes(':') ? `[${host}]:${g.port}` : `${host}:${g.port}`) : host;
    return `http-get ${scheme}://${hostPort}${g.path ?? ''} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ''}:${p.tcpSocket.port} ${attrs}`;
  return `unknown ${attrs}`;
}

function envValue(e: EnvVar): string[] {
  if (e.value !== undefined || !e.valueFrom) return [`${e.name}:`, e.value ?? ''];
  const from = rec(e.valueFrom);
  const field = rec(from.fieldRef);
  if (from.fieldRef) return [`${e.name}:`, ` (${str(field.apiVersion) || 'v1'}:${str(field.fieldPath)})`];
  const res = rec(from.resourceFieldRef);
  if (from.resourceFieldRef) return [`${e.name}:`, `${str(res.containerName)} (${str(res.resource)})`];
  const secret = rec(from.secretKeyRef);
  if (from.secretKeyRef) {
    return [`${e.name}:`, `<set to the key '${str(secret.key)}' in secret '${str(secret.name)}'>`, `Optional: ${secret.optional === true}`];
  }
  const cm = rec(from.configMapKeyRef);
  if (from.configMapKeyRef) {
    return [`${e.name}:`, `<set to the key '${str(cm.key)}' of config map '${str(cm.name)}'>`, `Optional: ${cm.optional === true}`];
  }
  return [`${e.name}:`, '<set from valueFrom>'];
}

function describeState(w: DescribeWriter, title: string, state: Record<string, unknown>): void {
  const running = state.running ? rec(state.running) : undefined;
  const waiting = state.waiting ? rec(state.waiting) : undefined;
  const terminated = state.terminated ? rec(state.terminated) : undefined;
  if (running) {
    w.line(2, `${title}:`, 'Running');
    w.line(3, 'Started:', formatTime(str(running.startedAt)));
  } else if (terminated) {
    w.line(2, `${title}:`, 'Terminated');
    if (str(terminated.reason)) w.line(3, 'Reason:', str(terminated.reason));
    if (str(terminated.message)) w.line(3, 'Message:', str(terminated.message));
    w.line(3, 'Exit Code:', String(num(terminated.exitCode)));
    if (num(terminated.signal) > 0) w.line(3, 'Signal:', String(num(terminated.signal)));
    w.line(3, 'Started:', formatTime(str(terminated.startedAt)));
    w.line(3, 'Finished:', formatTime(str(terminated.finishedAt)));
  } else {
    w.line(2, `${title}:`, 'Waiting');
    if (waiting && str(waiting.reason)) w.line(3, 'Reason:', str(waiting.reason));
  }
}

function describeResources(w: DescribeWriter, title: string, resources: Record<string, string | number> | undefined): void {
  const entries = sortedEntries(resources);
  if (entries.length === 0) return;
  w.line(2, `${title}:`);
  for (const [name, q] of entries) w.line(3, `${name}:`, String(q));
}

/**
 * `title` (e.g. "Containers:") then each container. Pods pass their statuses (State, Ready, Restart Count);
 * templates pass none. `level` is where the title sits, `space` prefixes container names (" " in templates).
 */
export function describeContainers(
  w: DescribeWriter,
  title: string,
  level: number,
  containers: Container[],
  statuses: ContainerStatus[] | undefined,
  space: string,
): void {
  w.line(level, title);
  const byName = new Map((statuses ?? []).map((s) => [s.name, s]));
  for (const c of containers) {
    const status = statuses ? byName.get(c.name) : undefined;
    w.line(1, `${space}${c.name}:`);
    if (status) w.line(2, 'Container ID:', status.containerID ?? '');
    w.line(2, 'Image:', c.image ?? '');
    if (status) w.line(2, 'Image ID:', status.imageID ?? '');
    const ports = c.ports ?? [];
    portsLine(w, 'Port', ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`));
    portsLine(w, 'Host Port', ports.map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`));
    if (c.command?.length) {
      w.line(2, 'Command:');
      for (const arg of c.command) w.line(3, arg);
    }
    if (c.args?.length) {
      w.line(2, 'Args:');
      for (const arg of c.args) w.line(3, arg);
    }
    if (status) {
      describeState(w, 'State', rec(status.state));
      const last = rec(status.lastState);
      if (last.running || last.waiting || last.terminated) describeState(w, 'Last State', last);
      w.line(2, 'Ready:', boolText(status.ready));
      w.line(2, 'Restart Count:', String(num(status.restartCount)));
    }
    describeResources(w, 'Limits', c.resources?.limits);
    describeResources(w, 'Requests', c.resources?.requests);
    if (c.livenessProbe) w.line(2, 'Liveness:', probeText(c.livenessProbe));
    if (c.readinessProbe) w.line(2, 'Readiness:', probeText(c.readinessProbe));
    if (c.startupProbe) w.line(2, 'Startup:', probeText(c.startupProbe));
    if (c.env?.length) {
      w.line(2, 'Environment:');
      for (const e of c.env) w.line(3, ...envValue(e));
    } else {
      w.line(2, 'Environment:', '<none>');
    }
    const mounts = c.volumeMounts ?? [];
    if (mounts.length === 0) {
      w.line(2, 'Mounts:', '<none>');
    } else {
      w.line(2, 'Mounts:');
      for (const m of mounts) {
        const flags = [m.readOnly ? 'ro' : 'rw', ...(m.subPath ? [`path="${m.subPath}"`] : [])].join(',');
        w.line(3, `${m.mountPath} from ${m.name} (${flags})`);
      }
    }
  }
}

const volumeTypes: Record<string, { title: string; fields: [string, string][] }> = {
  emptyDir: { title: "EmptyDir (a temporary directory that shares a pod's lifetime)", fields: [['Medium', 'medium'], ['SizeLimit', 'sizeLimit']] },
  configMap: { title: 'ConfigMap (a volume populated by a ConfigMap)', fields: [['Name', 'name'], ['Optional', 'optional']] },
  secret: { title: 'Secret (a volume populated by a Secret)', fields: [['SecretName', 'secretName'], ['Optional', 'optional']] },
  hostPath: { title: 'HostPath (bare host directory volume)', fields: [['Path', 'path'], ['HostPathType', 'type']] },
  persistentVolumeClaim: {
    title: 'PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
    fields: [['ClaimName', 'claimName'], ['ReadOnly', 'readOnly']],
  },
};

export function describeVolumes(w: DescribeWriter, level: number, volumes: PodSpec['volumes']): void {
  if (!volumes?.length) {
    w.line(level, 'Volumes:', '<none>');
    return;
  }
  w.line(level, 'Volumes:');
  for (const v of volumes) {
    w.line(level + 1, `${v.name}:`);
    const source = Object.keys(v).find((k) => k !== 'name');
    const known = source ? volumeTypes[source] : undefined;
    if (!source) continue;
    if (!known) {
      w.line(level + 2, 'Type:', source);
      continue;
    }
    w.line(level + 2, 'Type:', known.title);
    const fields = rec(v[source]);
    for (const [label, key] of known.fields) {
      const value = fields[key];
      w.line(level + 2, `${label}:`, value === undefined ? (key === 'optional' || key === 'readOnly' ? 'false' : '<unset>') : String(value));
    }
  }
}

/** Tolerations as one entry per line. */
export function tolerationLines(spec: PodSpec | undefined): string[] {
  return (spec?.tolerations ?? []).map(tolerationText);
}

/** The "Pod Template:" block of Deployments and ReplicaSets. */
export function describePodTemplate(w: DescribeWriter, template: PodTemplateSpec | undefined): void {
  w.line(0, 'Pod Template:');
  const meta = template?.metadata ?? {};
  const spec = template?.spec;
  w.list(1, 'Labels', labelLines(meta.labels));
  const annotations = annotationLines(meta.annotations);
  if (annotations.length > 0) w.list(1, 'Annotations', annotations);
  if (spec?.serviceAccountName) w.line(1, 'Service Account:', spec.serviceAccountName);
  if (spec?.initContainers?.length) describeContainers(w, 'Init Containers:', 1, spec.initContainers, undefined, ' ');
  describeContainers(w, 'Containers:', 1, spec?.containers ?? [], undefined, ' ');
  describeVolumes(w, 1, spec?.volumes);
  w.list(1, 'Node-Selectors', labelLines(spec?.nodeSelector));
  w.list(1, 'Tolerations', tolerationLines(spec));
}

