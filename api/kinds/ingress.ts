/** Ingress (networking.k8s.io/v1): HTTP(S) routes from host and path to a Service port, following kube's validation. */
import { invalid, notSupported, required, type FieldError } from '../errors.js';
import type { KindStrategy } from '../strategy.js';
import type { Ingress } from '../types/networking.js';
import { isDns1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { ipFamily, isValidIP } from './net.js';
import { isDns1035Label } from './service.js';
import {
  child, index, metaSelectableFields, optArray, optInt, optObject, optString, optStringList, problems, requiredBecause, requiredSpec,
  validateMetaUpdate, type Fields,
} from './util.js';

const INGRESS_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'] as const;
const SPEC_FIELDS = ['ingressClassName', 'defaultBackend', 'rules', 'tls'] as const;
const RULE_FIELDS = ['host', 'http'] as const;
const PATH_FIELDS = ['path', 'pathType', 'backend'] as const;
const BACKEND_FIELDS = ['service', 'resource'] as const;
export const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'] as const;

const WILDCARD_FMT = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const WILDCARD_MSG = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

/** `*.example.com`: one leading label replaced by `*`, which matches exactly one DNS label. */
export function isWildcardDns1123Subdomain(value: string): string[] {
  const found: string[] = [];
  if (value.length > 253) found.push('must be no more than 253 characters');
  if (!new RegExp(`^${WILDCARD_FMT}$`).test(value)) found.push(`${WILDCARD_MSG} (e.g. '*.example.com', regex used for validation is '${WILDCARD_FMT}')`);
  return found;
}

/** A rule or TLS host: a DNS name or a `*.` wildcard, never an IP (a Host header names a site, not an address). */
function hostProblems(host: string): string[] {
  if (ipFamily(host)) return ['must be a DNS name, not an IP address'];
  return host.includes('*') ? isWildcardDns1123Subdomain(host) : isDns1123Subdomain(host);
}

/** Paths that a server would normalise to something else are refused for Exact and Prefix, as kube does. */
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

function validatePath(value: unknown, pathType: string | undefined, path: string, errs: FieldError[]): void {
  const p = optString(value, path, errs);
  if (pathType === 'ImplementationSpecific' && !p) return;
  if (!p) {
    errs.push(requiredBecause(path, `an ${pathType ?? 'Exact or Prefix'} path must be an absolute path such as "/"`));
    return;
  }
  if (!p.startsWith('/')) {
    errs.push(invalid(path, p, 'must be an absolute path'));
    return;
  }
  if (pathType !== 'Exact' && pathType !== 'Prefix') return;
  for (const seq of INVALID_PATH_SEQUENCES) if (p.includes(seq)) errs.push(invalid(path, p, `must not contain '${seq}'`));
  for (const suffix of INVALID_PATH_SUFFIXES) if (p.endsWith(suffix)) errs.push(invalid(path, p, `cannot end with '${suffix}'`));
}

function validateServiceBackend(svc: Fields, path: string, errs: FieldError[]): void {
  errs.push(...validateKnownFields(svc, ['name', 'port'], path));
  const name = optString(svc.name, child(path, 'name'), errs);
  if (!name) errs.push(required(child(path, 'name')));
  else errs.push(...problems(child(path, 'name'), name, isDns1035Label(name)));
  const pp = child(path, 'port');
  const port = optObject(svc.port, pp, errs);
  if (!port) {
    errs.push(requiredBecause(pp, 'a service backend needs a port number or name'));
    return;
  }
  errs.push(...validateKnownFields(port, ['name', 'number'], pp));
  const portName = optString(port.name, child(pp, 'name'), errs);
  const number = optInt(port.number, child(pp, 'number'), errs);
  if (portName && number) errs.push(invalid(pp, port, 'cannot set both port name & port number'));
  else if (portName) errs.push(...problems(child(pp, 'name'), portName, isValidPortName(portName)));
  else if (number) errs.push(...problems(child(pp, 'number'), number, isValidPortNum(number)));
  else errs.push(requiredBecause(child(pp, 'name'), 'port name or number is required'));
}

function validateResourceBackend(res: Fields, path: string, errs: FieldError[]): void {
  errs.push(...validateKnownFields(res, ['apiGroup', 'kind', 'name'], path));
  const group = optString(res.apiGroup, child(path, 'apiGroup'), errs);
  if (group) errs.push(...problems(child(path, 'apiGroup'), group, isDns1123Subdomain(group)));
  const kind = optString(res.kind, child(path, 'kind'), errs);
  if (!kind) errs.push(required(child(path, 'kind')));
  else errs.push(...problems(child(path, 'kind'), kind, isQualifiedName(kind)));
  if (!optString(res.name, child(path, 'name'), errs)) errs.push(required(child(path, 'name')));
}

/** Exactly one of `service` and `resource`. */
function validateBackend(value: unknown, path: string, errs: FieldError[]): void {
  const backend = optObject(value, path, errs);
  if (!backend) {
    if (value === undefined || value === null) errs.push(required(path));
    return;
  }
  errs.push(...validateKnownFields(backend, BACKEND_FIELDS, path));
  const svc = optObject(backend.service, child(path, 'service'), errs);
  const res = optObject(backend.resource, child(path, 'resource'), errs);
  if (svc && res) errs.push(invalid(path, '', 'cannot set both resource and service backends'));
  else if (svc) validateServiceBackend(svc, child(path, 'service'), errs);
  else if (res) validateResourceBackend(res, child(path, 'resource'), errs);
  else errs.push(invalid(path, '', 'resource or service backend is required'));
}

function validateHTTPPaths(http: Fields, path: string, errs: FieldError[]): void {
  errs.push(...validateKnownFields(http, ['paths'], path));
  const pathsPath = child(path, 'paths');
  const paths = optArray(http.paths, pathsPath, errs) ?? [];
  if (paths.length === 0) errs.push(required(pathsPath));
  paths.forEach((p, i) => {
    const pp = index(pathsPath, i);
    const entry = optObject(p, pp, errs);
    if (!entry) return;
    errs.push(...validateKnownFields(entry, PATH_FIELDS, pp));
    let pathType: string | undefined;
    if (entry.pathType === undefined || entry.pathType === null || entry.pathType === '') {
      errs.push(requiredBecause(child(pp, 'pathType'), 'pathType must be specified'));
    } else if (typeof entry.pathType !== 'string' || !(PATH_TYPES as readonly string[]).includes(entry.pathType)) {
      errs.push(notSupported(child(pp, 'pathType'), entry.pathType, PATH_TYPES));
    } else {
      pathType = entry.pathType;
    }
    validatePath(entry.path, pathType, child(pp, 'path'), errs);
    validateBackend(entry.backend, child(pp, 'backend'), errs);
  });
}

function validateRules(value: unknown, errs: FieldError[]): void {
  (optArray(value, 'spec.rules', errs) ?? []).forEach((r, i) => {
    const rp = index('spec.rules', i);
    const rule = optObject(r, rp, errs);
    if (!rule) return;
    errs.push(...validateKnownFields(rule, RULE_FIELDS, rp));
    const host = optString(rule.host, child(rp, 'host'), errs);
    if (host) errs.push(...problems(child(rp, 'host'), host, hostProblems(host)));
    const http = optObject(rule.http, child(rp, 'http'), errs);
    if (http) validateHTTPPaths(http, child(rp, 'http'), errs);
  });
}

function validateTLS(value: unknown, errs: FieldError[]): void {
  (optArray(value, 'spec.tls', errs) ?? []).forEach((t, i) => {
    const tp = index('spec.tls', i);
    const tls = optObject(t, tp, errs);
    if (!tls) return;
    errs.push(...validateKnownFields(tls, ['hosts', 'secretName'], tp));
    (optStringList(tls.hosts, child(tp, 'hosts'), errs) ?? []).forEach((h, j) =>
      errs.push(...problems(index(child(tp, 'hosts'), j), h, hostProblems(h))));
    const secret = optString(tls.secretName, child(tp, 'secretName'), errs);
    if (secret) errs.push(...problems(child(tp, 'secretName'), secret, isDns1123Subdomain(secret)));
  });
}

function validateSpec(value: unknown, errs: FieldError[]): void {
  const spec = requiredSpec(value, SPEC_FIELDS, errs);
  if (!spec) return;
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  if (rules.length === 0 && (spec.defaultBackend === undefined || spec.defaultBackend === null)) {
    errs.push(invalid('spec', rules, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (spec.defaultBackend !== undefined && spec.defaultBackend !== null) validateBackend(spec.defaultBackend, 'spec.defaultBackend', errs);
  validateRules(spec.rules, errs);
  validateTLS(spec.tls, errs);
  const className = optString(spec.ingressClassName, 'spec.ingressClassName', errs);
  if (className) errs.push(...problems('spec.ingressClassName', className, isDns1123Subdomain(className)));
}

/** status.loadBalancer.ingress[]: written by the ingress proxy; each entry an IP or a DNS hostname. */
function validateStatus(value: unknown, errs: FieldError[]): void {
  const status = optObject(value, 'status', errs);
  const lb = status && optObject(status.loadBalancer, 'status.loadBalancer', errs);
  if (!lb) return;
  (optArray(lb.ingress, 'status.loadBalancer.ingress', errs) ?? []).forEach((e, i) => {
    const ep = index('status.loadBalancer.ingress', i);
    const entry = optObject(e, ep, errs);
    if (!entry) return;
    errs.push(...validateKnownFields(entry, ['ip', 'hostname', 'ports', 'ipMode'], ep));
    const ip = optString(entry.ip, child(ep, 'ip'), errs);
    if (ip) errs.push(...problems(child(ep, 'ip'), ip, isValidIP(ip)));
    const hostname = optString(entry.hostname, child(ep, 'hostname'), errs);
    if (hostname) {
      errs.push(...problems(child(ep, 'hostname'), hostname, isDns1123Subdomain(hostname)));
      if (ipFamily(hostname)) errs.push(invalid(child(ep, 'hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  });
}

function validate(ing: Ingress): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(ing, INGRESS_FIELDS, ''),
    ...validateObjectMeta(ing.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
  ];
  validateSpec(ing.spec, errs);
  validateStatus(ing.status, errs);
  return errs;
}

export const ingressStrategy = {
  /** The load-balancer address is reported by the proxy serving the Ingress, never by its author. */
  prepareForCreate(ing: Ingress): void {
    ing.status = { loadBalancer: {} };
  },
  /** v1 defaults nothing: pathType is required rather than defaulted, so what a user reads is what routes. */
  applyDefaults(): void {},
  validate,
  validateUpdate(ing: Ingress, old: Ingress): FieldError[] {
    return [...validate(ing), ...validateMetaUpdate(ing, old)];
  },
  selectableFields(ing: Ingress): Record<string, string> {
    return metaSelectableFields(ing, true);
  },
} satisfies KindStrategy<Ingress>;
