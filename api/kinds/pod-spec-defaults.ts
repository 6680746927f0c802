/**
 * Kubernetes' v1 defaulters for pods (SetDefaults_PodSpec, _Container, _Probe, _Volume, ...).
 * They run before validation on untrusted input, so each one skips whatever is not shaped as expected.
 */
import type { PodSpec } from '../types/core.js';
import { isObject } from '../meta.js';
import type { Fields } from './util.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log';
/** 0644: files from secrets and config maps are readable, not executable. */
export const DEFAULT_VOLUME_MODE = 0o644;

const PROBE_DEFAULTS = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 } as const;
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

function setIfUnset(obj: Fields, field: string, value: unknown): void {
  if (obj[field] === undefined || obj[field] === null || obj[field] === '') obj[field] = value;
}

/** 0 means "unset" for probe timings, as it does in Kubernetes' Go structs. */
function setIfZero(obj: Fields, field: string, value: number): void {
  if (obj[field] === undefined || obj[field] === null || obj[field] === 0) obj[field] = value;
}

function objects(value: unknown): Fields[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/**
 * `Always` for `:latest` or an untagged image (it may change under the same name), `IfNotPresent` for a fixed tag
 * or a digest.
 */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const at = image.indexOf('@');
  const hasDigest = at >= 0;
  const name = hasDigest ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : '';
  if (tag === 'latest') return 'Always';
  if (tag === '' && !hasDigest) return 'Always';
  return 'IfNotPresent';
}

function defaultHandler(handler: unknown): void {
  if (!isObject(handler) || !isObject(handler.httpGet)) return;
  setIfUnset(handler.httpGet, 'path', '/');
  setIfUnset(handler.httpGet, 'scheme', 'HTTP');
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  for (const [field, value] of Object.entries(PROBE_DEFAULTS)) setIfZero(probe, field, value);
  defaultHandler(probe);
}

function defaultContainer(c: Fields, hostNetwork: boolean): void {
  if (typeof c.image === 'string' && c.image) setIfUnset(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setIfUnset(c, 'terminationMessagePath', DEFAULT_TERMINATION_MESSAGE_PATH);
  setIfUnset(c, 'terminationMessagePolicy', 'File');
  for (const port of objects(c.ports)) {
    setIfUnset(port, 'protocol', 'TCP');
    // On the host's network the container port is the host port.
    if (hostNetwork && (port.hostPort === undefined || port.hostPort === 0)) port.hostPort = port.containerPort;
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObject(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
  for (const env of objects(c.env)) {
    if (isObject(env.valueFrom) && isObject(env.valueFrom.fieldRef)) setIfUnset(env.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
}

function defaultVolume(v: Fields): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
  // A volume with no source is an emptyDir, as in Kubernetes.
  if (sources.length === 0) v.emptyDir = {};
  for (const source of ['secret', 'configMap', 'downwardAPI', 'projected'] as const) {
    const s = v[source];
    if (isObject(s)) setIfUnset(s, 'defaultMode', DEFAULT_VOLUME_MODE);
  }
  if (isObject(v.hostPath)) setIfUnset(v.hostPath, 'type', '');
  if (isObject(v.downwardAPI)) {
    for (const item of objects(v.downwardAPI.items)) if (isObject(item.fieldRef)) setIfUnset(item.fieldRef, 'apiVersion', 'v1');
  }
}

/** Defaults every PodSpec gets, in a Pod or in a workload's pod template. */
export function applyPodSpecDefaults(spec: PodSpec): void {
  if (!isObject(spec)) return;
  const s: Fields = spec;
  setIfUnset(s, 'dnsPolicy', 'ClusterFirst');
  setIfUnset(s, 'restartPolicy', 'Always');
  setIfUnset(s, 'terminationGracePeriodSeconds', DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
  setIfUnset(s, 'securityContext', {});
  setIfUnset(s, 'schedulerName', DEFAULT_SCHEDULER_NAME);
  const hostNetwork = s.hostNetwork === true;
  for (const list of CONTAINER_LISTS) for (const c of objects(s[list])) defaultContainer(c, hostNetwork);
  for (const v of objects(s.volumes)) defaultVolume(v);
}

/** Defaults only a real Pod gets (SetDefaults_Pod): templates keep these unset so the Pod's own defaulting decides. */
export function applyPodOnlyDefaults(spec: PodSpec): void {
  if (!isObject(spec)) return;
  const s: Fields = spec;
  for (const list of ['containers', 'initContainers'] as const) {
    for (const c of objects(s[list])) {
      if (!isObject(c.resources) || !isObject(c.resources.limits)) continue;
      // A limit without a request means "reserve exactly the limit".
      const requests = isObject(c.resources.requests) ? c.resources.requests : (c.resources.requests = {});
      for (const [name, q] of Object.entries(c.resources.limits)) if (requests[name] === undefined) requests[name] = q;
    }
  }
  if (s.enableServiceLinks === undefined || s.enableServiceLinks === null) s.enableServiceLinks = true;
  // A named class is resolved to its number by priority admission; without one the priority is 0.
  if ((s.priority === undefined || s.priority === null) && !s.priorityClassName) s.priority = 0;
}
