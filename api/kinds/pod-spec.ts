/**
 * PodSpec validation, shared by Pods and by every workload template. Fields the defaulter fills
 * (restartPolicy, dnsPolicy, port protocol...) are accepted when unset, so the check also works on raw templates.
 */
import { duplicate, invalid, required, type FieldError } from '../errors.js';
import {
  isDns1123Label, isDns1123Subdomain, isQualifiedName, validateKnownFields, validateLabels, validateNonNegativeQuantity,
} from '../validation/common.js';
import { validateAffinity, validateTopologySpreadConstraints } from './affinity.js';
import { validateContainer, type ContainerRole } from './container.js';
import { validateResourceRequirements } from './container-resources.js';
import { isValidIP } from './net.js';
import { DNS_CONFIG_FIELDS, POD_SPEC_FIELDS } from './pod-fields.js';
import { validatePodSecurityContext } from './security-context.js';
import { validateTolerations } from './tolerations.js';
import { child, index, key, optArray, optBool, optEnum, optInt, optName, optObject, optString, optStringList, problems, type Fields, requiredBecause } from './util.js';
import { validateVolumes } from './volumes.js';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
export const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;
export const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'] as const;
const MAX_INT32 = 2147483647;
const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCHES = 32;

const LISTS: readonly { field: 'containers' | 'initContainers' | 'ephemeralContainers'; role: ContainerRole }[] = [
  { field: 'containers', role: 'container' },
  { field: 'initContainers', role: 'init' },
  { field: 'ephemeralContainers', role: 'ephemeral' },
];

/** Containers of all three kinds: each valid, names unique across all of them, host ports not claimed twice. */
function validateAllContainers(spec: Fields, path: string, volumes: Set<string>, errs: FieldError[]): void {
  const hostNetwork = spec.hostNetwork === true;
  const names = new Set<string>();
  const hostPorts = new Set<string>();
  for (const { field, role } of LISTS) {
    const lp = child(path, field);
    const raw = spec[field];
    const list = optArray(raw, lp, errs);
    if (field === 'containers' && (raw === undefined || raw === null || list?.length === 0)) {
      errs.push(requiredBecause(lp, 'a pod needs at least one container'));
    }
    (list ?? []).forEach((c, i) => {
      const cp = index(lp, i);
      errs.push(...validateContainer(c, cp, { role, volumes, hostNetwork }));
      const container = optObject(c, cp, []);
      if (!container) return;
      if (typeof container.name === 'string' && container.name) {
        if (names.has(container.name)) errs.push(duplicate(child(cp, 'name'), container.name));
        names.add(container.name);
      }
      (Array.isArray(container.ports) ? container.ports : []).forEach((p: unknown, j) => {
        const port = optObject(p, '', []);
        if (!port || typeof port.hostPort !== 'number' || port.hostPort === 0) return;
        const id = `${String(port.hostIP ?? '')}/${String(port.protocol ?? 'TCP')}/${port.hostPort}`;
        if (hostPorts.has(id)) errs.push(duplicate(child(index(child(cp, 'ports'), j), 'hostPort'), `${port.hostPort}/${String(port.protocol ?? 'TCP')}`));
        hostPorts.add(id);
      });
    });
  }
}

function validateDnsConfig(spec: Fields, path: string, errs: FieldError[]): void {
  const dp = child(path, 'dnsConfig');
  const cfg = optObject(spec.dnsConfig, dp, errs);
  const nameservers = cfg ? optStringList(cfg.nameservers, child(dp, 'nameservers'), errs) ?? [] : [];
  // With policy None the pod gets no cluster DNS at all, so it must bring its own.
  if (spec.dnsPolicy === 'None') {
    if (!cfg) errs.push(requiredBecause(dp, 'must provide `dnsConfig` when `dnsPolicy` is None'));
    else if (nameservers.length === 0) errs.push(requiredBecause(child(dp, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  }
  if (!cfg) return;
  errs.push(...validateKnownFields(cfg, DNS_CONFIG_FIELDS, dp));
  if (nameservers.length > MAX_DNS_NAMESERVERS) errs.push(invalid(child(dp, 'nameservers'), nameservers, `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`));
  nameservers.forEach((ns, i) => errs.push(...problems(index(child(dp, 'nameservers'), i), ns, isValidIP(ns))));
  const searches = optStringList(cfg.searches, child(dp, 'searches'), errs) ?? [];
  if (searches.length > MAX_DNS_SEARCHES) errs.push(invalid(child(dp, 'searches'), searches, `must not have more than ${MAX_DNS_SEARCHES} search paths`));
  searches.forEach((s, i) => {
    const name = s.endsWith('.') && s.length > 1 ? s.slice(0, -1) : s; // a trailing dot marks a fully qualified name
    if (name !== '.') errs.push(...problems(index(child(dp, 'searches'), i), s, isDns1123Subdomain(name.toLowerCase())));
  });
  (optArray(cfg.options, child(dp, 'options'), errs) ?? []).forEach((o, i) => {
    const op = index(child(dp, 'options'), i);
    const opt = optObject(o, op, errs);
    if (!opt) return;
    errs.push(...validateKnownFields(opt, ['name', 'value'], op));
    if (!optString(opt.name, child(op, 'name'), errs)) errs.push(requiredBecause(child(op, 'name'), 'must not be empty'));
    optString(opt.value, child(op, 'value'), errs);
  });
}

function validateNamedList(value: unknown, path: string, check: ((v: string) => string[]) | undefined, unique: boolean, errs: FieldError[], field = 'name'): void {
  const seen = new Set<string>();
  (optArray(value, path, errs) ?? []).forEach((v, i) => {
    const ip = index(path, i);
    const item = optObject(v, ip, errs);
    if (!item) return;
    errs.push(...validateKnownFields(item, [field], ip));
    const name = optString(item[field], child(ip, field), errs);
    if (!name) {
      if (check) errs.push(required(child(ip, field)));
      return;
    }
    if (check) errs.push(...problems(child(ip, field), name, check(name)));
    if (unique && seen.has(name)) errs.push(duplicate(child(ip, field), name));
    seen.add(name);
  });
}

function validateHostAliases(value: unknown, path: string, errs: FieldError[]): void {
  (optArray(value, path, errs) ?? []).forEach((h, i) => {
    const hp = index(path, i);
    const alias = optObject(h, hp, errs);
    if (!alias) return;
    errs.push(...validateKnownFields(alias, ['ip', 'hostnames'], hp));
    const ip = optString(alias.ip, child(hp, 'ip'), errs);
    if (!ip) errs.push(required(child(hp, 'ip')));
    else errs.push(...problems(child(hp, 'ip'), ip, isValidIP(ip)));
    (optStringList(alias.hostnames, child(hp, 'hostnames'), errs) ?? []).forEach((n, j) =>
      errs.push(...problems(index(child(hp, 'hostnames'), j), n, isDns1123Subdomain(n))));
  });
}

/** Every problem with a pod spec at `path` (e.g. `spec` or `spec.template.spec`). */
export function validatePodSpec(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (value === undefined || value === null) return [required(path)];
  const spec = optObject(value, path, errs);
  if (!spec) return errs;
  errs.push(...validateKnownFields(spec, POD_SPEC_FIELDS, path));
  const p = (f: string): string => child(path, f);

  const { errors: volumeErrs, names: volumes } = validateVolumes(spec.volumes, p('volumes'));
  errs.push(...volumeErrs);
  validateAllContainers(spec, path, volumes, errs);

  optEnum(spec.restartPolicy, p('restartPolicy'), RESTART_POLICIES, errs, true);
  optEnum(spec.dnsPolicy, p('dnsPolicy'), DNS_POLICIES, errs, true);
  validateDnsConfig(spec, path, errs);
  optInt(spec.terminationGracePeriodSeconds, p('terminationGracePeriodSeconds'), errs, { min: 0 });
  optInt(spec.activeDeadlineSeconds, p('activeDeadlineSeconds'), errs, { min: 1, max: MAX_INT32 });
  errs.push(...validateLabels(spec.nodeSelector, p('nodeSelector')));
  for (const f of ['serviceAccountName', 'serviceAccount', 'nodeName', 'schedulerName', 'priorityClassName', 'runtimeClassName'] as const) {
    errs.push(...optName(spec[f], p(f), isDns1123Subdomain));
  }
  for (const f of ['hostname', 'subdomain'] as const) errs.push(...optName(spec[f], p(f), isDns1123Label));
  for (const f of ['automountServiceAccountToken', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'enableServiceLinks', 'setHostnameAsFQDN', 'hostUsers'] as const) {
    optBool(spec[f], p(f), errs);
  }
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(invalid(p('shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  errs.push(...validatePodSecurityContext(spec.securityContext, p('securityContext')));
  validateNamedList(spec.imagePullSecrets, p('imagePullSecrets'), undefined, false, errs);
  errs.push(...validateAffinity(spec.affinity, p('affinity')));
  errs.push(...validateTolerations(spec.tolerations, p('tolerations')));
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, p('topologySpreadConstraints')));
  validateHostAliases(spec.hostAliases, p('hostAliases'), errs);
  optInt(spec.priority, p('priority'), errs, { min: -MAX_INT32 - 1, max: MAX_INT32 });
  optEnum(spec.preemptionPolicy, p('preemptionPolicy'), PREEMPTION_POLICIES, errs);
  validateNamedList(spec.readinessGates, p('readinessGates'), isQualifiedName, false, errs, 'conditionType');
  validateNamedList(spec.schedulingGates, p('schedulingGates'), isQualifiedName, true, errs);
  const overhead = optObject(spec.overhead, p('overhead'), errs);
  for (const [name, q] of Object.entries(overhead ?? {})) errs.push(...validateNonNegativeQuantity(q, key(p('overhead'), name)));
  const os = optObject(spec.os, p('os'), errs);
  if (os) {
    errs.push(...validateKnownFields(os, ['name'], p('os')));
    if (os.name === undefined) errs.push(required(child(p('os'), 'name')));
    else optEnum(os.name, child(p('os'), 'name'), ['linux', 'windows'], errs);
  }
  optArray(spec.resourceClaims, p('resourceClaims'), errs);
  errs.push(...validateResourceRequirements(spec.resources, p('resources')));
  return errs;
}
