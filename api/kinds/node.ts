/** Node (core/v1): cluster-scoped, registered and kept up to date by each node's agent. */
import { forbidden, invalid, required, type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import type { Node } from '../types/core.js';
import { isDns1123Subdomain, isQualifiedName, validateKnownFields, validateNonNegativeQuantity, validateObjectMeta } from '../validation/common.js';
import { cidrFamily, isValidCIDR } from './net.js';
import { validateTaints } from './tolerations.js';
import { child, index, key, metaSelectableFields, optArray, optBool, optEnum, optObject, optString, optStringList, problems, semanticEqual, validateMetaUpdate, type Fields } from './util.js';

const NODE_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'] as const;
const NODE_SPEC_FIELDS = ['podCIDR', 'podCIDRs', 'providerID', 'unschedulable', 'taints', 'configSource', 'externalID'] as const;
const NODE_STATUS_FIELDS = [
  'capacity', 'allocatable', 'phase', 'conditions', 'addresses', 'daemonEndpoints', 'nodeInfo', 'images', 'volumesInUse',
  'volumesAttached', 'config', 'runtimeHandlers', 'features', 'declaredFeatures',
] as const;
export const NODE_ADDRESS_TYPES = ['Hostname', 'InternalIP', 'ExternalIP', 'InternalDNS', 'ExternalDNS'] as const;

function validateSpec(spec: Fields, errs: FieldError[]): void {
  errs.push(...validateKnownFields(spec, NODE_SPEC_FIELDS, 'spec'));
  const podCIDR = optString(spec.podCIDR, 'spec.podCIDR', errs);
  if (podCIDR) errs.push(...problems('spec.podCIDR', podCIDR, isValidCIDR(podCIDR)));
  const cidrs = optStringList(spec.podCIDRs, 'spec.podCIDRs', errs) ?? [];
  cidrs.forEach((c, i) => errs.push(...problems(index('spec.podCIDRs', i), c, isValidCIDR(c))));
  // At most one range per IP family (dual-stack), and podCIDR is the primary one.
  if (cidrs.length > 2) errs.push(invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
  else if (cidrs.length === 2 && cidrFamily(cidrs[0]!) && cidrFamily(cidrs[0]!) === cidrFamily(cidrs[1]!)) {
    errs.push(invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
  }
  if (podCIDR && cidrs.length && cidrs[0] !== podCIDR) errs.push(invalid('spec.podCIDRs', cidrs, 'the first element must match spec.podCIDR'));
  optString(spec.providerID, 'spec.providerID', errs);
  optBool(spec.unschedulable, 'spec.unschedulable', errs);
  errs.push(...validateTaints(spec.taints, 'spec.taints'));
}

function validateResourceList(value: unknown, path: string, errs: FieldError[]): void {
  const list = optObject(value, path, errs);
  for (const [name, q] of Object.entries(list ?? {})) {
    errs.push(...problems(key(path, name), name, isQualifiedName(name)));
    errs.push(...validateNonNegativeQuantity(q, key(path, name)));
  }
}

function validateStatus(status: Fields, errs: FieldError[]): void {
  errs.push(...validateKnownFields(status, NODE_STATUS_FIELDS, 'status'));
  validateResourceList(status.capacity, 'status.capacity', errs);
  validateResourceList(status.allocatable, 'status.allocatable', errs);
  (optArray(status.addresses, 'status.addresses', errs) ?? []).forEach((a, i) => {
    const ap = index('status.addresses', i);
    const addr = optObject(a, ap, errs);
    if (!addr) return;
    errs.push(...validateKnownFields(addr, ['type', 'address'], ap));
    if (addr.type === undefined) errs.push(required(child(ap, 'type')));
    else optEnum(addr.type, child(ap, 'type'), NODE_ADDRESS_TYPES, errs);
    if (!optString(addr.address, child(ap, 'address'), errs)) errs.push(required(child(ap, 'address')));
  });
  optArray(status.conditions, 'status.conditions', errs);
}

function validate(node: Node): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(node, NODE_FIELDS, ''),
    ...validateObjectMeta(node.metadata, { namespaced: false, nameValidator: isDns1123Subdomain }),
  ];
  const spec = optObject(node.spec, 'spec', errs);
  if (spec) validateSpec(spec, errs);
  const status = optObject(node.status, 'status', errs);
  if (status) validateStatus(status, errs);
  return errs;
}

/** The pod range and provider id are handed out once; pods already have addresses from that range. */
function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const spec = isObject(node.spec) ? node.spec : ({} as Fields);
  const before = isObject(old.spec) ? old.spec : ({} as Fields);
  const errs: FieldError[] = [];
  const oldCIDRs = Array.isArray(before.podCIDRs) ? before.podCIDRs : [];
  if (oldCIDRs.length && !semanticEqual(spec.podCIDRs, before.podCIDRs)) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  } else if (before.podCIDR && spec.podCIDR !== before.podCIDR) {
    errs.push(forbidden('spec.podCIDR', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (before.providerID && spec.providerID !== before.providerID) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

function applyDefaults(node: Node): void {
  const spec = node.spec;
  if (isObject(spec)) {
    // podCIDR is the single-stack view of podCIDRs; keep the two in step whichever one the client wrote.
    if (typeof spec.podCIDR === 'string' && spec.podCIDR && (!Array.isArray(spec.podCIDRs) || spec.podCIDRs.length === 0)) spec.podCIDRs = [spec.podCIDR];
    else if (!spec.podCIDR && Array.isArray(spec.podCIDRs) && typeof spec.podCIDRs[0] === 'string') spec.podCIDR = spec.podCIDRs[0];
  }
  const status = node.status;
  // Without a reservation report, everything the node has is allocatable.
  if (isObject(status) && isObject(status.capacity) && (status.allocatable === undefined || status.allocatable === null)) {
    status.allocatable = { ...status.capacity };
  }
}

export const nodeStrategy = {
  applyDefaults,
  validate,
  validateUpdate(node: Node, old: Node): FieldError[] {
    return [...validate(node), ...validateMetaUpdate(node, old), ...validateNodeUpdate(node, old)];
  },
  selectableFields(node: Node): Record<string, string> {
    const spec = isObject(node.spec) ? node.spec : {};
    return { ...metaSelectableFields(node, false), 'spec.unschedulable': String(spec.unschedulable === true) };
  },
} satisfies KindStrategy<Node>;
