/**
 * Service (core/v1). The registry allocates cluster IPs and node ports (control/registry/allocation), and checks
 * there that a requested value is in its configured range and free; this checks their shape and rules.
 */
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import type { Service } from '../types/core.js';
import { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidPortNum, validateKnownFields, validateLabels, validateObjectMeta } from '../validation/common.js';
import { PROTOCOLS } from './container.js';
import { prepareServiceUpdate } from './service-update.js';
import { isValidCIDR, isValidIP } from './net.js';
import { validatePortNumOrName } from './probe.js';
import {
  child, index, metaSelectableFields, optArray, optBool, optEnum, optInt, optObject, optString, optStringList, problems,
  requiredBecause, requiredSpec, str, validateMetaUpdate, type Fields,
} from './util.js';

const SERVICE_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'] as const;
const SERVICE_SPEC_FIELDS = [
  'ports', 'selector', 'clusterIP', 'clusterIPs', 'type', 'externalIPs', 'sessionAffinity', 'loadBalancerIP',
  'loadBalancerSourceRanges', 'externalName', 'externalTrafficPolicy', 'healthCheckNodePort', 'publishNotReadyAddresses',
  'sessionAffinityConfig', 'ipFamilies', 'ipFamilyPolicy', 'allocateLoadBalancerNodePorts', 'loadBalancerClass',
  'internalTrafficPolicy', 'trafficDistribution',
] as const;
const SERVICE_PORT_FIELDS = ['name', 'protocol', 'appProtocol', 'port', 'targetPort', 'nodePort'] as const;
export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;
export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;
const MAX_CLIENT_IP_TIMEOUT_SECONDS = 86400;

const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';

/** Service names become DNS labels *and* environment variable prefixes, so they must start with a letter. */
export function isDns1035Label(value: string): string[] {
  const found: string[] = [];
  if (value.length > 63) found.push('must be no more than 63 characters');
  if (!new RegExp(`^${DNS1035_LABEL_FMT}$`).test(value)) {
    found.push(`a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL_FMT}')`);
  }
  return found;
}

function hasNodePorts(type: unknown): boolean {
  return type === 'NodePort' || type === 'LoadBalancer';
}

function validatePorts(spec: Fields, type: string, errs: FieldError[]): void {
  const path = 'spec.ports';
  const ports = optArray(spec.ports, path, errs) ?? [];
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && type !== 'ExternalName' && !headless) errs.push(requiredBecause(path, 'a service needs at least one port (only headless and ExternalName services may have none)'));
  const requireName = ports.length > 1;
  const names = new Set<string>();
  const portProtocols = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const pp = index(path, i);
    const port = optObject(p, pp, errs);
    if (!port) return;
    errs.push(...validateKnownFields(port, SERVICE_PORT_FIELDS, pp));
    const name = optString(port.name, child(pp, 'name'), errs);
    if (!name) {
      if (requireName) errs.push(requiredBecause(child(pp, 'name'), 'each port must have a name when a service has more than one'));
    } else {
      errs.push(...problems(child(pp, 'name'), name, isDns1123Label(name)));
      if (names.has(name)) errs.push(duplicate(child(pp, 'name'), name));
      names.add(name);
    }
    const protocol = optEnum(port.protocol, child(pp, 'protocol'), PROTOCOLS, errs, true) ?? 'TCP';
    if (port.port === undefined || port.port === null || port.port === 0) errs.push(required(child(pp, 'port')));
    else if (optInt(port.port, child(pp, 'port'), errs) !== undefined) errs.push(...problems(child(pp, 'port'), port.port, isValidPortNum(port.port as number)));
    if (port.targetPort !== undefined && port.targetPort !== null && port.targetPort !== 0 && port.targetPort !== '') {
      errs.push(...validatePortNumOrName(port.targetPort, child(pp, 'targetPort')));
    }
    optString(port.appProtocol, child(pp, 'appProtocol'), errs);
    if (typeof port.appProtocol === 'string' && port.appProtocol) errs.push(...problems(child(pp, 'appProtocol'), port.appProtocol, isQualifiedName(port.appProtocol)));

    const id = `${String(port.port)}/${protocol}`;
    if (portProtocols.has(id)) errs.push(duplicate(pp, { port: port.port, protocol }));
    portProtocols.add(id);

    const np = child(pp, 'nodePort');
    if (port.nodePort !== undefined && port.nodePort !== null && port.nodePort !== 0) {
      if (!hasNodePorts(type)) errs.push(forbidden(np, `may not be used when \`type\` is '${type}'`));
      else if (optInt(port.nodePort, np, errs, { min: 1, max: 65535 }) !== undefined) {
        const n = port.nodePort as number;
        const nid = `${n}/${protocol}`;
        if (nodePorts.has(nid)) errs.push(duplicate(np, n));
        nodePorts.add(nid);
      }
    }
  });
}

function validateClusterIPs(spec: Fields, type: string, errs: FieldError[]): void {
  const clusterIP = optString(spec.clusterIP, 'spec.clusterIP', errs) ?? '';
  const clusterIPs = optStringList(spec.clusterIPs, 'spec.clusterIPs', errs) ?? [];
  if (type === 'ExternalName') {
    if (clusterIP) errs.push(forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
    return;
  }
  if (clusterIP && clusterIP !== 'None') errs.push(...problems('spec.clusterIP', clusterIP, isValidIP(clusterIP).map((m) => `${m}, "None", or empty to have one allocated`)));
  if (clusterIP === 'None' && hasNodePorts(type)) errs.push(invalid('spec.clusterIP', clusterIP, `may not be set to 'None' for ${type} services`));
  clusterIPs.forEach((ip, i) => {
    if (ip !== 'None') errs.push(...problems(index('spec.clusterIPs', i), ip, isValidIP(ip)));
  });
  if (clusterIP && clusterIPs.length && clusterIPs[0] !== clusterIP) {
    errs.push(invalid('spec.clusterIPs', clusterIPs, 'element [0] must match clusterIP'));
  }
  if (clusterIPs.length > 2) errs.push(invalid('spec.clusterIPs', clusterIPs, 'may only hold up to 2 values'));
}

function validateSessionAffinity(spec: Fields, errs: FieldError[]): void {
  const affinity = optEnum(spec.sessionAffinity, 'spec.sessionAffinity', ['None', 'ClientIP'], errs, true) ?? 'None';
  const cp = 'spec.sessionAffinityConfig';
  const cfg = optObject(spec.sessionAffinityConfig, cp, errs);
  if (!cfg) return;
  if (affinity !== 'ClientIP') {
    errs.push(forbidden(cp, `must not be set when \`sessionAffinity\` is ${affinity}`));
    return;
  }
  errs.push(...validateKnownFields(cfg, ['clientIP'], cp));
  const clientIP = optObject(cfg.clientIP, child(cp, 'clientIP'), errs);
  if (clientIP) {
    errs.push(...validateKnownFields(clientIP, ['timeoutSeconds'], child(cp, 'clientIP')));
    optInt(clientIP.timeoutSeconds, child(cp, 'clientIP.timeoutSeconds'), errs, { min: 1, max: MAX_CLIENT_IP_TIMEOUT_SECONDS });
  }
}

function validateSpec(value: unknown, errs: FieldError[]): void {
  const spec = requiredSpec(value, SERVICE_SPEC_FIELDS, errs);
  if (!spec) return;
  const type = optEnum(spec.type, 'spec.type', SERVICE_TYPES, errs, true) ?? 'ClusterIP';

  if (type === 'ExternalName') {
    const name = optString(spec.externalName, 'spec.externalName', errs);
    if (!name) errs.push(requiredBecause('spec.externalName', 'an ExternalName service needs a DNS name such as "db.example.com"'));
    // A trailing dot marks a fully qualified name and is not part of the check.
    else errs.push(...problems('spec.externalName', name, isDns1123Subdomain(name.endsWith('.') ? name.slice(0, -1) : name)));
  }
  validateClusterIPs(spec, type, errs);
  validatePorts(spec, type, errs);
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  validateSessionAffinity(spec, errs);

  (optStringList(spec.externalIPs, 'spec.externalIPs', errs) ?? []).forEach((ip, i) =>
    errs.push(...problems(index('spec.externalIPs', i), ip, isValidIP(ip))));
  const etp = optEnum(spec.externalTrafficPolicy, 'spec.externalTrafficPolicy', ['Cluster', 'Local'], errs, true);
  if (etp && !hasNodePorts(type)) errs.push(invalid('spec.externalTrafficPolicy', etp, "may only be set when `type` is 'NodePort' or 'LoadBalancer'"));
  optEnum(spec.internalTrafficPolicy, 'spec.internalTrafficPolicy', ['Cluster', 'Local'], errs, true);
  if (spec.healthCheckNodePort !== undefined && spec.healthCheckNodePort !== null && spec.healthCheckNodePort !== 0) {
    if (type !== 'LoadBalancer' || etp !== 'Local') errs.push(invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, 'may only be set when `type` is \'LoadBalancer\' and `externalTrafficPolicy` is \'Local\''));
    else optInt(spec.healthCheckNodePort, 'spec.healthCheckNodePort', errs, { min: 1, max: 65535 });
  }
  const lbIP = optString(spec.loadBalancerIP, 'spec.loadBalancerIP', errs);
  if (lbIP) errs.push(...problems('spec.loadBalancerIP', lbIP, isValidIP(lbIP)));
  (optStringList(spec.loadBalancerSourceRanges, 'spec.loadBalancerSourceRanges', errs) ?? []).forEach((c, i) =>
    errs.push(...problems(index('spec.loadBalancerSourceRanges', i), c, isValidCIDR(c.trim()))));
  const lbClass = optString(spec.loadBalancerClass, 'spec.loadBalancerClass', errs);
  if (lbClass) {
    if (type !== 'LoadBalancer') errs.push(forbidden('spec.loadBalancerClass', 'may only be used when `type` is \'LoadBalancer\''));
    errs.push(...problems('spec.loadBalancerClass', lbClass, isQualifiedName(lbClass)));
  }
  if (optBool(spec.allocateLoadBalancerNodePorts, 'spec.allocateLoadBalancerNodePorts', errs) !== undefined && type !== 'LoadBalancer') {
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', 'may only be used when `type` is \'LoadBalancer\''));
  }
  optBool(spec.publishNotReadyAddresses, 'spec.publishNotReadyAddresses', errs);
  const families = optStringList(spec.ipFamilies, 'spec.ipFamilies', errs) ?? [];
  families.forEach((f, i) => { if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(index('spec.ipFamilies', i), f, ['IPv4', 'IPv6'])); });
  if (families.length > 2 || new Set(families).size !== families.length) errs.push(invalid('spec.ipFamilies', families, 'may hold at most one IPv4 and one IPv6 family'));
  optEnum(spec.ipFamilyPolicy, 'spec.ipFamilyPolicy', ['SingleStack', 'PreferDualStack', 'RequireDualStack'], errs, true);
  optString(spec.trafficDistribution, 'spec.trafficDistribution', errs);
}

function validate(svc: Service): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(svc, SERVICE_FIELDS, ''),
    ...validateObjectMeta(svc.metadata, { namespaced: true, nameValidator: isDns1035Label }),
  ];
  validateSpec(svc.spec, errs);
  return errs;
}

function applyDefaults(svc: Service): void {
  if (!isObject(svc.spec)) return;
  const spec: Fields = svc.spec;
  if (!spec.type) spec.type = 'ClusterIP';
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (Array.isArray(spec.ports)) {
    for (const port of spec.ports.filter(isObject)) {
      if (!port.protocol) port.protocol = 'TCP';
      // By default traffic goes to the same port number on the pod.
      if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
    }
  }
  if (hasNodePorts(spec.type) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.type !== 'ExternalName' && !spec.internalTrafficPolicy) spec.internalTrafficPolicy = 'Cluster';
  if (spec.sessionAffinity === 'ClientIP' && (spec.sessionAffinityConfig === undefined || spec.sessionAffinityConfig === null)) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT_SECONDS } };
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
}

/**
 * An allocated cluster IP is the service's identity for clients: it stays until the service stops needing one
 * (becomes ExternalName). An empty new value means "keep", which the registry fills from the stored object.
 */
function validateClusterIPUpdate(svc: Service, old: Service): FieldError[] {
  const spec = isObject(svc.spec) ? svc.spec : ({} as Fields);
  const before = isObject(old.spec) ? old.spec : ({} as Fields);
  if (spec.type === 'ExternalName' || before.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  if (before.clusterIP && spec.clusterIP && spec.clusterIP !== before.clusterIP) errs.push(invalid('spec.clusterIP', spec.clusterIP, 'field is immutable'));
  const newIPs = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  const oldIPs = Array.isArray(before.clusterIPs) ? before.clusterIPs : [];
  // Adding a second family's IP is allowed; replacing the first is not.
  if (oldIPs.length && newIPs.length && newIPs[0] !== oldIPs[0]) errs.push(invalid('spec.clusterIPs[0]', newIPs[0], 'may not change once set'));
  return errs;
}

export const serviceStrategy = {
  /** Load-balancer status is written by whoever provisions the balancer, never by the creator. */
  prepareForCreate(svc: Service): void {
    svc.status = { loadBalancer: {} };
  },
  prepareForUpdate: prepareServiceUpdate,
  applyDefaults,
  validate,
  validateUpdate(svc: Service, old: Service): FieldError[] {
    return [...validate(svc), ...validateMetaUpdate(svc, old), ...validateClusterIPUpdate(svc, old)];
  },
  selectableFields(svc: Service): Record<string, string> {
    const spec = isObject(svc.spec) ? svc.spec : ({} as Fields);
    return { ...metaSelectableFields(svc, true), 'spec.clusterIP': str(spec.clusterIP), 'spec.type': str(spec.type) };
  },
} satisfies KindStrategy<Service>;
