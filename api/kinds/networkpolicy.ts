/** NetworkPolicy (networking.k8s.io/v1): which traffic may reach (ingress) and leave (egress) the pods it selects. */
import { BlockList } from 'node:net';
import { forbidden, invalid, required, type FieldError } from '../errors.js';
import type { KindStrategy } from '../strategy.js';
import type { NetworkPolicy, NetworkPolicySpec, PolicyType } from '../types/network-policy.js';
import { isDns1123Subdomain, isValidPortName, isValidPortNum, validateKnownFields, validateLabelSelector, validateObjectMeta } from '../validation/common.js';
import { PROTOCOLS } from './container.js';
import { cidrFamily, isValidCIDR } from './net.js';
import {
  child, index, metaSelectableFields, optArray, optEnum, optInt, optObject, optString, problems, requiredSpec, validateMetaUpdate, type Fields,
} from './util.js';

const FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'] as const;
const SPEC_FIELDS = ['podSelector', 'policyTypes', 'ingress', 'egress'] as const;
const PEER_FIELDS = ['podSelector', 'namespaceSelector', 'ipBlock'] as const;
const PORT_FIELDS = ['protocol', 'port', 'endPort'] as const;
export const POLICY_TYPES = ['Ingress', 'Egress'] as const;

/** Whether `inner` lies inside `outer` and is strictly smaller, as kube requires of ipBlock.except. */
function isStrictSubset(inner: string, outer: string): boolean {
  const family = cidrFamily(outer);
  if (!family || cidrFamily(inner) !== family) return false;
  const [outerIP, outerBits] = outer.split('/') as [string, string];
  const [innerIP, innerBits] = inner.split('/') as [string, string];
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  block.addSubnet(outerIP, Number(outerBits), type);
  return Number(innerBits) > Number(outerBits) && block.check(innerIP, type);
}

function validateIPBlock(value: unknown, path: string, errs: FieldError[]): void {
  const block = optObject(value, path, errs);
  if (!block) return;
  errs.push(...validateKnownFields(block, ['cidr', 'except'], path));
  const cidr = optString(block.cidr, child(path, 'cidr'), errs);
  if (!cidr) {
    errs.push(required(child(path, 'cidr')));
    return;
  }
  const cidrErrs = problems(child(path, 'cidr'), cidr, isValidCIDR(cidr));
  errs.push(...cidrErrs);
  (optArray(block.except, child(path, 'except'), errs) ?? []).forEach((e, i) => {
    const ep = index(child(path, 'except'), i);
    const except = optString(e, ep, errs);
    if (except === undefined) return;
    const exceptErrs = problems(ep, except, isValidCIDR(except));
    errs.push(...exceptErrs);
    if (!cidrErrs.length && !exceptErrs.length && !isStrictSubset(except, cidr)) errs.push(invalid(ep, except, 'must be a strict subset of `cidr`'));
  });
}

function validatePeer(value: unknown, path: string, errs: FieldError[]): void {
  const peer = optObject(value, path, errs);
  if (!peer) {
    if (value === undefined || value === null) errs.push(required(path, 'Required value: must specify a peer'));
    return;
  }
  errs.push(...validateKnownFields(peer, PEER_FIELDS, path));
  const set = PEER_FIELDS.filter((f) => peer[f] !== undefined && peer[f] !== null);
  if (set.length === 0) errs.push(required(path, 'Required value: must specify a peer'));
  else if (set.length > 1 && set.includes('ipBlock')) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  errs.push(...validateLabelSelector(peer.podSelector, child(path, 'podSelector')));
  errs.push(...validateLabelSelector(peer.namespaceSelector, child(path, 'namespaceSelector')));
  if (peer.ipBlock !== undefined && peer.ipBlock !== null) validateIPBlock(peer.ipBlock, child(path, 'ipBlock'), errs);
}

function validatePort(value: unknown, path: string, errs: FieldError[]): void {
  const port = optObject(value, path, errs);
  if (!port) return;
  errs.push(...validateKnownFields(port, PORT_FIELDS, path));
  optEnum(port.protocol, child(path, 'protocol'), PROTOCOLS, errs);
  const pp = child(path, 'port');
  const ep = child(path, 'endPort');
  const endPort = optInt(port.endPort, ep, errs);
  if (port.port === undefined || port.port === null) {
    if (endPort !== undefined) errs.push(invalid(ep, endPort, 'may not be specified when `port` is not specified'));
  } else if (typeof port.port === 'number') {
    if (optInt(port.port, pp, errs) === undefined) return;
    errs.push(...problems(pp, port.port, isValidPortNum(port.port)));
    if (endPort === undefined) return;
    if (endPort < port.port) errs.push(invalid(ep, endPort, 'must be greater than or equal to `port`'));
    errs.push(...problems(ep, endPort, isValidPortNum(endPort)));
  } else if (typeof port.port === 'string') {
    if (endPort !== undefined) errs.push(invalid(ep, endPort, 'may not be specified when `port` is non-numeric'));
    errs.push(...problems(pp, port.port, isValidPortName(port.port)));
  } else {
    errs.push(invalid(pp, port.port, 'must be a port number (1-65535) or a port name'));
  }
}

/** Ingress rules list peers under `from`, egress rules under `to`; everything else is shared. */
function validateRules(value: unknown, path: string, peersField: 'from' | 'to', errs: FieldError[]): void {
  (optArray(value, path, errs) ?? []).forEach((r, i) => {
    const rp = index(path, i);
    const rule = optObject(r, rp, errs);
    if (!rule) return;
    errs.push(...validateKnownFields(rule, ['ports', peersField], rp));
    (optArray(rule.ports, child(rp, 'ports'), errs) ?? []).forEach((p, j) => validatePort(p, index(child(rp, 'ports'), j), errs));
    (optArray(rule[peersField], child(rp, peersField), errs) ?? []).forEach((p, j) => validatePeer(p, index(child(rp, peersField), j), errs));
  });
}

function validateSpec(spec: Fields, errs: FieldError[]): void {
  // The v1 field is not optional; `{}` (select every pod in the namespace) is how a policy says "all".
  if (spec.podSelector === undefined || spec.podSelector === null) errs.push(required('spec.podSelector'));
  else errs.push(...validateLabelSelector(spec.podSelector, 'spec.podSelector'));
  validateRules(spec.ingress, 'spec.ingress', 'from', errs);
  validateRules(spec.egress, 'spec.egress', 'to', errs);
  const types = optArray(spec.policyTypes, 'spec.policyTypes', errs) ?? [];
  if (types.length > POLICY_TYPES.length) {
    errs.push(invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
    return;
  }
  types.forEach((t, i) => optEnum(t, index('spec.policyTypes', i), POLICY_TYPES, errs));
}

function validate(np: NetworkPolicy): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(np, FIELDS, ''),
    ...validateObjectMeta(np.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
  ];
  const spec = requiredSpec(np.spec, SPEC_FIELDS, errs);
  if (spec) validateSpec(spec, errs);
  return errs;
}

/** kube's defaulting: ports are TCP unless stated; a policy is always Ingress, and also Egress when it has egress rules. */
function applyDefaults(np: NetworkPolicy): void {
  const spec = np.spec as NetworkPolicy['spec'] | undefined;
  if (!spec || typeof spec !== 'object') return;
  const rules = [...(Array.isArray(spec.ingress) ? spec.ingress : []), ...(Array.isArray(spec.egress) ? spec.egress : [])];
  for (const rule of rules) {
    if (!rule || !Array.isArray(rule.ports)) continue;
    for (const port of rule.ports) if (port && typeof port === 'object' && (port.protocol === undefined || port.protocol === null)) port.protocol = 'TCP';
  }
  spec.policyTypes = effectivePolicyTypes(spec);
}

/** The policy types a spec declares or, when it declares none, the ones kube's defaulting gives it. */
export function effectivePolicyTypes(spec: Pick<NetworkPolicySpec, 'policyTypes' | 'egress'>): PolicyType[] {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes;
  return Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

export const networkPolicyStrategy = {
  applyDefaults,
  validate,
  validateUpdate(np: NetworkPolicy, old: NetworkPolicy): FieldError[] {
    return [...validate(np), ...validateMetaUpdate(np, old)];
  },
  selectableFields(np: NetworkPolicy): Record<string, string> {
    return metaSelectableFields(np, true);
  },
} satisfies KindStrategy<NetworkPolicy>;
